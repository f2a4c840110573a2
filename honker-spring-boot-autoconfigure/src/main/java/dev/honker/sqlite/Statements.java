package dev.honker.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The nested statements the Honker functions run on one connection, prepared once and reused.
 *
 * <p>They run on the caller's connection, so they join whatever transaction the caller has open.
 */
final class Statements {

    /** Binds the parameters of a statement. */
    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    /** Reads one row of a result. */
    @FunctionalInterface
    interface RowReader {
        void read(ResultSet row) throws SQLException;
    }

    private static final String SAVEPOINT = "honker_fn";

    private final Connection connection;
    private final Map<String, PreparedStatement> prepared = new HashMap<>();

    Statements(Connection connection) {
        this.connection = connection;
    }

    PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement statement = prepared.get(sql);
        if (statement == null || statement.isClosed()) {
            statement = connection.prepareStatement(sql);
            prepared.put(sql, statement);
        }
        return statement;
    }

    /** Runs an INSERT, UPDATE or DELETE and returns the number of rows it changed. */
    int update(String sql, Binder binder) throws SQLException {
        PreparedStatement statement = prepare(sql);
        binder.bind(statement);
        return statement.executeUpdate();
    }

    /** Runs a statement and hands every row to the reader; returns the number of rows. */
    int query(String sql, Binder binder, RowReader reader) throws SQLException {
        PreparedStatement statement = prepare(sql);
        binder.bind(statement);
        int rows = 0;
        try (ResultSet resultSet = statement.executeQuery()) {
            while (resultSet.next()) {
                reader.read(resultSet);
                rows++;
            }
        }
        return rows;
    }

    /** Reads rows of a result until {@link #read} returns false. */
    @FunctionalInterface
    interface RowVisitor {
        boolean read(ResultSet row) throws SQLException;
    }

    /** Runs a query and visits its rows in order, stopping early when the visitor says so. */
    void scan(String sql, Binder binder, RowVisitor visitor) throws SQLException {
        PreparedStatement statement = prepare(sql);
        binder.bind(statement);
        try (ResultSet resultSet = statement.executeQuery()) {
            while (resultSet.next() && visitor.read(resultSet)) {
                // the visitor does the work
            }
        }
    }

    /** Runs a statement expected to return one row with one integer column, or {@code fallback} when none. */
    long queryLong(String sql, Binder binder, long fallback) throws SQLException {
        long[] holder = {fallback};
        query(sql, binder, row -> holder[0] = row.getLong(1));
        return holder[0];
    }

    /**
     * Runs work that writes more than once inside a savepoint, so a failure leaves nothing behind in
     * the caller's transaction.
     */
    <T> T inSavepoint(SqlWork<T> work) throws SQLException {
        execute("SAVEPOINT " + SAVEPOINT);
        T result;
        try {
            result = work.run();
        } catch (SQLException | RuntimeException e) {
            try {
                execute("ROLLBACK TO " + SAVEPOINT);
                execute("RELEASE " + SAVEPOINT);
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        }
        execute("RELEASE " + SAVEPOINT);
        return result;
    }

    /** Binds a nullable integer parameter as INTEGER or NULL, never as REAL. */
    static void setLongOrNull(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, java.sql.Types.INTEGER);
        } else {
            statement.setLong(index, value);
        }
    }

    private void execute(String sql) throws SQLException {
        prepare(sql).execute();
    }

    /** Work run inside a savepoint. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run() throws SQLException;
    }
}
