package dev.honker.sqlite;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Runs a check that depends on SQLite's current second ({@code unixepoch()}) entirely
 * within one second. The check runs in its own transaction; when the second changes under
 * it, the transaction is rolled back and the check runs again, so boundary cases such as
 * {@code claim_expires_at = now} can be tested exactly without sleeping.
 */
final class OneSecond {

	private static final int ATTEMPTS = 10;

	/**
	 * A check that receives the second it runs in; it returns what the test asserts on
	 * afterwards.
	 */
	@FunctionalInterface
	interface Check<T> {

		T run(long now) throws SQLException;

	}

	private OneSecond() {
	}

	/**
	 * Runs {@code check} in an autocommit connection's own transaction, within one
	 * second, and commits it.
	 */
	static <T> T run(Connection connection, Check<T> check) throws SQLException {
		for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
			TestDatabase.execute(connection, "BEGIN IMMEDIATE");
			boolean committed = false;
			try {
				long before = TestDatabase.now(connection);
				T result = check.run(before);
				if (TestDatabase.now(connection) == before) {
					TestDatabase.execute(connection, "COMMIT");
					committed = true;
					return result;
				}
			}
			finally {
				if (!committed) {
					TestDatabase.execute(connection, "ROLLBACK");
				}
			}
		}
		throw new IllegalStateException("the second changed during " + ATTEMPTS + " attempts in a row");
	}

}
