package dev.honker.sqlite;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;

import org.assertj.core.api.AbstractThrowableAssert;

/** Asserts that SQL fails. */
final class SqlAssertions {

	private SqlAssertions() {
	}

	/**
	 * Asserts that a statement fails with an {@link SQLException}; chain the message
	 * checks.
	 */
	static AbstractThrowableAssert<?, ? extends Throwable> assertError(Connection connection, String sql) {
		return assertThatThrownBy(() -> TestDatabase.queryString(connection, sql)).isInstanceOf(SQLException.class);
	}

}
