package dev.honker.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The nested statements the Honker functions run on one connection, prepared once and
 * reused.
 *
 * <p>
 * They run on the caller's connection, so they join whatever transaction the caller has
 * open. Arguments bind to {@code ?1}, {@code ?2}, ... in order: a {@link String} as TEXT,
 * a {@link Long} or {@link Integer} as INTEGER (never REAL), {@code null} as NULL.
 */
final class Statements {

	/** Reads one row of a result. */
	@FunctionalInterface
	interface RowMapper<T> {

		T map(ResultSet row) throws SQLException;

	}

	/** Reads rows of a result in order until it returns false. */
	@FunctionalInterface
	interface RowVisitor {

		boolean visit(ResultSet row) throws SQLException;

	}

	/** Work run inside a savepoint. */
	@FunctionalInterface
	interface SqlWork<T> {

		T run() throws SQLException;

	}

	private static final String SAVEPOINT = "honker_fn";

	private final Connection connection;

	private final Map<String, PreparedStatement> prepared = new HashMap<>();

	Statements(Connection connection) {
		this.connection = connection;
	}

	/**
	 * SQLite's clock, {@code unixepoch()}: the Unix seconds every Honker function calls
	 * "now".
	 */
	long now() throws SQLException {
		return queryLong("SELECT unixepoch()");
	}

	/**
	 * Runs an INSERT, UPDATE, DELETE or DDL statement and returns the number of rows it
	 * changed.
	 */
	int update(String sql, @Nullable Object... arguments) throws SQLException {
		return execute(sql, arguments, PreparedStatement::executeUpdate);
	}

	/** The first row of a result, mapped, or {@code null} when there is no row. */
	<T> @Nullable T queryFirst(String sql, RowMapper<T> mapper, Object... arguments) throws SQLException {
		return execute(sql, arguments, statement -> {
			try (ResultSet rows = statement.executeQuery()) {
				return rows.next() ? mapper.map(rows) : null;
			}
		});
	}

	/** The integer in the first column of the first row, or 0 when there is no row. */
	long queryLong(String sql, Object... arguments) throws SQLException {
		Long value = queryFirst(sql, row -> row.getLong(1), arguments);
		return value == null ? 0 : value;
	}

	/** Every row of a result, mapped, in order. */
	<T> List<T> queryList(String sql, RowMapper<T> mapper, Object... arguments) throws SQLException {
		return execute(sql, arguments, statement -> {
			List<T> mapped = new ArrayList<>();
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					mapped.add(mapper.map(rows));
				}
			}
			return mapped;
		});
	}

	/** Visits the rows of a result in order, stopping early when the visitor says so. */
	void scan(String sql, RowVisitor visitor, Object... arguments) throws SQLException {
		execute(sql, arguments, statement -> {
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next() && visitor.visit(rows)) {
					// the visitor does the work
				}
			}
			return null;
		});
	}

	/**
	 * Runs work that writes more than once inside a savepoint, so a failure leaves
	 * nothing behind in the caller's transaction.
	 */
	<T> T inSavepoint(SqlWork<T> work) throws SQLException {
		update("SAVEPOINT " + SAVEPOINT);
		T result;
		try {
			result = work.run();
		}
		catch (SQLException | RuntimeException e) {
			try {
				update("ROLLBACK TO " + SAVEPOINT);
				update("RELEASE " + SAVEPOINT);
			}
			catch (SQLException rollbackFailure) {
				e.addSuppressed(rollbackFailure);
			}
			throw e;
		}
		update("RELEASE " + SAVEPOINT);
		return result;
	}

	/** An INTEGER column of the current row that may be NULL. */
	static Long longOrNull(ResultSet row, int column) throws SQLException {
		long value = row.getLong(column);
		return row.wasNull() ? null : value;
	}

	/**
	 * Runs work on the cached statement for {@code sql} with {@code arguments} bound.
	 * After a failure the statement leaves the cache and is closed: sqlite-jdbc finalizes
	 * a statement on most errors without marking it closed, so reusing it would break the
	 * function on this connection for good.
	 */
	private <T> T execute(String sql, Object[] arguments, StatementWork<T> work) throws SQLException {
		PreparedStatement statement = prepared.get(sql);
		if (statement == null) {
			statement = connection.prepareStatement(sql);
			prepared.put(sql, statement);
		}
		try {
			bind(statement, sql, arguments);
			return work.run(statement);
		}
		catch (SQLException | RuntimeException e) {
			prepared.remove(sql);
			try {
				statement.close();
			}
			catch (SQLException closeFailure) {
				e.addSuppressed(closeFailure);
			}
			throw e;
		}
	}

	/** Work done with one prepared statement. */
	@FunctionalInterface
	private interface StatementWork<T> {

		T run(PreparedStatement statement) throws SQLException;

	}

	/** Binds {@code arguments} to the statement's parameters in order. */
	private static void bind(PreparedStatement statement, String sql, Object[] arguments) throws SQLException {
		for (int i = 0; i < arguments.length; i++) {
			Object argument = arguments[i];
			if (argument == null) {
				statement.setNull(i + 1, Types.NULL);
			}
			else if (argument instanceof String text) {
				statement.setString(i + 1, text);
			}
			else if (argument instanceof Long || argument instanceof Integer) {
				statement.setLong(i + 1, ((Number) argument).longValue());
			}
			else {
				throw new IllegalArgumentException(
						"cannot bind " + argument.getClass().getName() + " to ?" + (i + 1) + " of " + sql);
			}
		}
	}

}
