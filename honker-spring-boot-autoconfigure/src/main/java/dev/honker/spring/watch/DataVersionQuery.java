package dev.honker.spring.watch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.sqlite.core.CoreStatement;
import org.sqlite.core.DB;
import org.sqlite.core.SafeStmtPtr;

/**
 * {@code PRAGMA data_version} on the watcher's connection, prepared once and read a
 * thousand times a second. A read steps the prepared statement through sqlite-jdbc's
 * statement handle and resets it at once, which ends the read transaction; this skips the
 * {@code ResultSet} and column-name arrays that JDBC allocates on every execution and
 * roughly halves the poller's CPU above the cost of waking up. With a sqlite-jdbc that
 * lacks this handle API, reads go through plain JDBC.
 */
final class DataVersionQuery implements AutoCloseable {

	private final PreparedStatement statement;

	private final Reader reader;

	DataVersionQuery(Connection connection) throws SQLException {
		this.statement = connection.prepareStatement("PRAGMA data_version");
		this.reader = reader(this.statement);
	}

	/**
	 * The current data_version; SQLITE_BUSY and other errors surface as
	 * {@code SQLiteException}.
	 */
	long read() throws SQLException {
		return this.reader.read();
	}

	/** Whether reads use the statement handle rather than JDBC result sets; for tests. */
	boolean usesStatementHandle() {
		return this.reader instanceof HandleReader;
	}

	@Override
	public void close() throws SQLException {
		this.statement.close();
	}

	private static Reader reader(PreparedStatement statement) {
		try {
			if (statement.isWrapperFor(CoreStatement.class)) {
				return new HandleReader(statement.unwrap(CoreStatement.class).pointer);
			}
		}
		catch (SQLException | LinkageError ex) {
			// an unexpected driver: fall back to JDBC
		}
		return () -> {
			try (ResultSet row = statement.executeQuery()) {
				row.next();
				return row.getLong(1);
			}
		};
	}

	@FunctionalInterface
	private interface Reader {

		long read() throws SQLException;

	}

	/**
	 * Steps the statement on sqlite-jdbc's handle, under the driver's lock on the
	 * connection.
	 */
	private static final class HandleReader implements Reader {

		private static final int SQLITE_ROW = 100;

		private final SafeStmtPtr pointer;

		HandleReader(SafeStmtPtr pointer) {
			this.pointer = pointer;
		}

		@Override
		public long read() throws SQLException {
			return this.pointer.safeRunLong(HandleReader::step);
		}

		private static long step(DB db, long statement) throws SQLException {
			try {
				int rc = db.step(statement);
				if (rc != SQLITE_ROW) {
					db.throwex(rc);
				}
				return db.column_long(statement, 0);
			}
			finally {
				db.reset(statement);
			}
		}

	}

}
