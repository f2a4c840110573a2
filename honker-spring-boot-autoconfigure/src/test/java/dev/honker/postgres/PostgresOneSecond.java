package dev.honker.postgres;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Runs a check that depends on the database's current second entirely within one second,
 * in a transaction of its own: when the second changes under it, the transaction is
 * rolled back and the check runs again (also when an assertion failed in a second that
 * has ended since), so exact boundaries can be tested without sleeping.
 */
final class PostgresOneSecond {

	private static final int ATTEMPTS = 10;

	/** A check that receives the second it runs in. */
	@FunctionalInterface
	interface Check<T> {

		T run(long now) throws SQLException;

	}

	private PostgresOneSecond() {
	}

	/** Runs {@code check} in its own transaction within one second and commits it. */
	static <T> T run(Connection connection, Check<T> check) throws SQLException {
		for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
			connection.setAutoCommit(false);
			long before = 0;
			try {
				before = PostgresTestDatabase.now(connection);
				T result = check.run(before);
				if (PostgresTestDatabase.now(connection) == before) {
					connection.commit();
					return result;
				}
				connection.rollback();
			}
			catch (AssertionError ex) {
				// an assertion on the second that has just ended: run the check again
				boolean secondChanged = PostgresTestDatabase.now(connection) != before;
				connection.rollback();
				if (!secondChanged) {
					throw ex;
				}
			}
			catch (SQLException | RuntimeException ex) {
				connection.rollback();
				throw ex;
			}
			finally {
				connection.setAutoCommit(true);
			}
		}
		throw new IllegalStateException("the second changed during " + ATTEMPTS + " attempts in a row");
	}

}
