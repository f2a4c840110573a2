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

/**
 * The nested statements the Honker functions run on one connection, prepared once and reused.
 *
 * <p>They run on the caller's connection, so they join whatever transaction the caller has open.
 * Arguments bind to {@code ?1}, {@code ?2}, ... in order: a {@link String} as TEXT, a {@link Long} or
 * {@link Integer} as INTEGER (never REAL), {@code null} as NULL.
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

    /** SQLite's clock, {@code unixepoch()}: the Unix seconds every Honker function calls "now". */
    long now() throws SQLException {
        return queryLong("SELECT unixepoch()");
    }

    /** Runs an INSERT, UPDATE, DELETE or DDL statement and returns the number of rows it changed. */
    int update(String sql, Object... arguments) throws SQLException {
        return bind(sql, arguments).executeUpdate();
    }

    /** The first row of a result, mapped, or {@code null} when there is no row. */
    <T> T queryFirst(String sql, RowMapper<T> mapper, Object... arguments) throws SQLException {
        try (ResultSet rows = bind(sql, arguments).executeQuery()) {
            return rows.next() ? mapper.map(rows) : null;
        }
    }

    /** The integer in the first column of the first row, or 0 when there is no row. */
    long queryLong(String sql, Object... arguments) throws SQLException {
        Long value = queryFirst(sql, row -> row.getLong(1), arguments);
        return value == null ? 0 : value;
    }

    /** Every row of a result, mapped, in order. */
    <T> List<T> queryList(String sql, RowMapper<T> mapper, Object... arguments) throws SQLException {
        List<T> mapped = new ArrayList<>();
        try (ResultSet rows = bind(sql, arguments).executeQuery()) {
            while (rows.next()) {
                mapped.add(mapper.map(rows));
            }
        }
        return mapped;
    }

    /** Visits the rows of a result in order, stopping early when the visitor says so. */
    void scan(String sql, RowVisitor visitor, Object... arguments) throws SQLException {
        try (ResultSet rows = bind(sql, arguments).executeQuery()) {
            while (rows.next() && visitor.visit(rows)) {
                // the visitor does the work
            }
        }
    }

    /**
     * Runs work that writes more than once inside a savepoint, so a failure leaves nothing behind in
     * the caller's transaction.
     */
    <T> T inSavepoint(SqlWork<T> work) throws SQLException {
        update("SAVEPOINT " + SAVEPOINT);
        T result;
        try {
            result = work.run();
        } catch (SQLException | RuntimeException e) {
            try {
                update("ROLLBACK TO " + SAVEPOINT);
                update("RELEASE " + SAVEPOINT);
            } catch (SQLException rollbackFailure) {
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

    /** The cached statement for {@code sql}, with {@code arguments} bound to its parameters in order. */
    private PreparedStatement bind(String sql, Object[] arguments) throws SQLException {
        PreparedStatement statement = prepared.get(sql);
        if (statement == null || statement.isClosed()) {
            statement = connection.prepareStatement(sql);
            prepared.put(sql, statement);
        }
        for (int i = 0; i < arguments.length; i++) {
            Object argument = arguments[i];
            if (argument == null) {
                statement.setNull(i + 1, Types.NULL);
            } else if (argument instanceof String text) {
                statement.setString(i + 1, text);
            } else if (argument instanceof Long || argument instanceof Integer) {
                statement.setLong(i + 1, ((Number) argument).longValue());
            } else {
                throw new IllegalArgumentException("cannot bind " + argument.getClass().getName() + " to ?" + (i + 1)
                        + " of " + sql);
            }
        }
        return statement;
    }
}
