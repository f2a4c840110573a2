package dev.honker.sqlite;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import org.assertj.core.api.AbstractThrowableAssert;

/** Assertions shared by the function-group tests: argument type errors and table snapshots. */
final class SqlAssertions {

    private SqlAssertions() {
    }

    /**
     * Asserts that {@code SELECT call} fails with the strict-typing error of the reference
     * implementation, prefixed with the function name and followed by the argument's name.
     */
    static void assertTypeError(Connection connection, String call, int index, String argument, String givenType) {
        String function = call.substring(0, call.indexOf('('));
        assertError(connection, "SELECT " + call).hasMessageContaining(function + ": Invalid function parameter type "
                + givenType + " at index " + index + " (" + argument + " must be ");
    }

    /** Asserts that SQLite refuses {@code SELECT call} because the function has another arity. */
    static void assertArityError(Connection connection, String call) {
        String function = call.substring(0, call.indexOf('('));
        assertError(connection, "SELECT " + call).hasMessageContaining("wrong number of arguments to function " + function);
    }

    /** Asserts that a statement fails with an {@link SQLException}; chain the message checks. */
    static AbstractThrowableAssert<?, ? extends Throwable> assertError(Connection connection, String sql) {
        return assertThatThrownBy(() -> TestDatabase.queryString(connection, sql)).isInstanceOf(SQLException.class);
    }

    /** Every row of a table, in primary-key order, to compare a table before and after a call. */
    static List<List<Object>> rowsOf(Connection connection, String table) throws SQLException {
        return TestDatabase.queryRows(connection, "SELECT * FROM " + table + " ORDER BY 1, 2");
    }

    /** SQLite's clock, in the Unix seconds every Honker function uses. */
    static long now(Connection connection) throws SQLException {
        return TestDatabase.queryLong(connection, "SELECT unixepoch()");
    }
}
