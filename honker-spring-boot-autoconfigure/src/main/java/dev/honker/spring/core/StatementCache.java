package dev.honker.spring.core;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.sqlite.SQLiteConnection;

import org.springframework.jdbc.core.PreparedStatementCallback;
import dev.honker.sqlite.SqliteSupport;
import org.jspecify.annotations.Nullable;

/**
 * Prepared statements that Honker runs again and again (the calls of
 * {@link HonkerTemplate}, a listener's claim pass, the trace context reads), kept open on
 * each physical SQLite connection and reused, so a call does not prepare and finalize its
 * {@code SELECT honker_...(?)} every time. Each user of the cache holds its own instance.
 *
 * <p>
 * A statement is prepared on the physical sqlite-jdbc connection, not on the pool's
 * proxy, so the pool does not close it when the connection goes back to the pool; it
 * lives as long as the physical connection, and sqlite-jdbc finalizes it when that
 * connection closes. The statements of closed connections leave the cache when the next
 * physical connection gets its first statement.
 *
 * <p>
 * A pool lends a connection to one thread at a time, so its statements are used by one
 * thread at a time; each use still holds the statement's monitor, for DataSources that
 * share one connection. After a {@link SQLException} the statement is closed and prepared
 * anew on next use: sqlite-jdbc finalizes a statement on most errors without marking it
 * closed.
 *
 * <p>
 * A connection that does not unwrap to a sqlite-jdbc connection gets a statement per
 * call, closed after it.
 */
public final class StatementCache {

	private final Map<SQLiteConnection, Map<String, PreparedStatement>> statements = new ConcurrentHashMap<>();

	/**
	 * Runs work with the statement for {@code sql} on the physical connection behind
	 * {@code connection}. The work must close any result set it opens.
	 * @param <T> the work's result
	 * @param connection a connection, typically a pool's proxy
	 * @param sql the statement's SQL
	 * @param work what to do with the statement
	 * @return the work's result
	 * @throws SQLException if preparing or the work fails
	 */
	public <T> T run(Connection connection, String sql, PreparedStatementCallback<T> work) throws SQLException {
		SQLiteConnection physical = physical(connection);
		if (physical == null) {
			try (PreparedStatement statement = connection.prepareStatement(sql)) {
				return work.doInPreparedStatement(statement);
			}
		}
		Map<String, PreparedStatement> ofConnection = this.statements.get(physical);
		if (ofConnection == null) {
			ofConnection = statementsOfNew(physical);
		}
		PreparedStatement statement = ofConnection.get(sql);
		if (statement == null) {
			statement = prepare(physical, sql, ofConnection);
		}
		synchronized (statement) {
			try {
				return work.doInPreparedStatement(statement);
			}
			catch (SQLException ex) {
				ofConnection.remove(sql, statement);
				close(statement, ex);
				throw ex;
			}
		}
	}

	/** The number of physical connections with cached statements. */
	int connectionCount() {
		return this.statements.size();
	}

	private Map<String, PreparedStatement> statementsOfNew(SQLiteConnection physical) {
		this.statements.keySet().removeIf(StatementCache::isClosed);
		return this.statements.computeIfAbsent(physical, key -> new ConcurrentHashMap<>());
	}

	/**
	 * Prepares and caches a statement; when another thread cached one first, uses that
	 * one.
	 */
	private static PreparedStatement prepare(SQLiteConnection physical, String sql,
			Map<String, PreparedStatement> ofConnection) throws SQLException {
		PreparedStatement prepared = physical.prepareStatement(sql);
		PreparedStatement first = ofConnection.putIfAbsent(sql, prepared);
		if (first == null) {
			return prepared;
		}
		prepared.close();
		return first;
	}

	private static @Nullable SQLiteConnection physical(Connection connection) throws SQLException {
		return SqliteSupport.sqliteConnection(connection);
	}

	private static boolean isClosed(SQLiteConnection connection) {
		try {
			return connection.isClosed();
		}
		catch (SQLException ex) {
			return true;
		}
	}

	private static void close(PreparedStatement statement, SQLException failure) {
		try {
			statement.close();
		}
		catch (SQLException closeFailure) {
			failure.addSuppressed(closeFailure);
		}
	}

}
