package dev.honker.spring.test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import dev.honker.spring.core.HonkerDialect;

/**
 * The table {@code _honker_test_enqueued} and the trigger on {@code _honker_live} that
 * copies every enqueued job into it, whatever connection or process enqueues, in SQLite's
 * and PostgreSQL's SQL. On PostgreSQL they live in Honker's schema {@code honker}.
 */
final class EnqueueCapture {

	private static final String SQLITE_TABLE = """
			CREATE TABLE IF NOT EXISTS _honker_test_enqueued (
			  id INTEGER PRIMARY KEY, queue TEXT NOT NULL, payload TEXT NOT NULL,
			  priority INTEGER NOT NULL, run_at INTEGER NOT NULL, max_attempts INTEGER NOT NULL)""";

	private static final String SQLITE_TRIGGER = """
			CREATE TRIGGER IF NOT EXISTS _honker_test_capture AFTER INSERT ON _honker_live
			BEGIN
			  INSERT OR REPLACE INTO _honker_test_enqueued (id, queue, payload, priority, run_at, max_attempts)
			  VALUES (NEW.id, NEW.queue, NEW.payload, NEW.priority, NEW.run_at, NEW.max_attempts);
			END""";

	private static final String POSTGRESQL_INSTALLED = """
			SELECT EXISTS (SELECT 1 FROM pg_trigger
			  WHERE tgname = '_honker_test_capture' AND tgrelid = to_regclass('honker._honker_live'))""";

	private static final String POSTGRESQL_LOCK = "SELECT pg_advisory_xact_lock(hashtext('honker._honker_test_capture'))";

	private static final String POSTGRESQL_TABLE = """
			CREATE TABLE IF NOT EXISTS honker._honker_test_enqueued (
			  id bigint PRIMARY KEY, queue text NOT NULL, payload text NOT NULL,
			  priority bigint NOT NULL, run_at bigint NOT NULL, max_attempts bigint NOT NULL)""";

	private static final String POSTGRESQL_FUNCTION = """
			CREATE OR REPLACE FUNCTION honker._honker_test_capture() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN
			  INSERT INTO honker._honker_test_enqueued (id, queue, payload, priority, run_at, max_attempts)
			  VALUES (NEW.id, NEW.queue, NEW.payload, NEW.priority, NEW.run_at, NEW.max_attempts)
			  ON CONFLICT (id) DO UPDATE SET queue = EXCLUDED.queue, payload = EXCLUDED.payload,
			    priority = EXCLUDED.priority, run_at = EXCLUDED.run_at, max_attempts = EXCLUDED.max_attempts;
			  RETURN NULL;
			END
			$$""";

	private static final String POSTGRESQL_TRIGGER = """
			CREATE TRIGGER _honker_test_capture AFTER INSERT ON honker._honker_live
			FOR EACH ROW EXECUTE FUNCTION honker._honker_test_capture()""";

	private EnqueueCapture() {
	}

	/**
	 * Creates the table and the trigger unless they are there.
	 * @param connection a connection to the database, outside any transaction
	 * @param dialect the database's dialect
	 * @throws SQLException if they cannot be created (for example without Honker's
	 * schema)
	 */
	static void install(Connection connection, HonkerDialect dialect) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			if (dialect == HonkerDialect.SQLITE) {
				statement.execute(SQLITE_TABLE);
				statement.execute(SQLITE_TRIGGER);
			}
			else if (!installed(statement)) {
				installOnPostgresql(connection, statement);
			}
		}
	}

	/**
	 * PostgreSQL has no {@code CREATE TRIGGER IF NOT EXISTS}, and its DDL takes a lock
	 * that waits for every open enqueue: check first, then create once, under a lock
	 * against a concurrent installation.
	 */
	private static void installOnPostgresql(Connection connection, Statement statement) throws SQLException {
		boolean autoCommit = connection.getAutoCommit();
		connection.setAutoCommit(false);
		try {
			statement.execute(POSTGRESQL_LOCK);
			if (!installed(statement)) {
				statement.execute(POSTGRESQL_TABLE);
				statement.execute(POSTGRESQL_FUNCTION);
				statement.execute(POSTGRESQL_TRIGGER);
			}
			connection.commit();
		}
		catch (SQLException ex) {
			connection.rollback();
			throw ex;
		}
		finally {
			connection.setAutoCommit(autoCommit);
		}
	}

	private static boolean installed(Statement statement) throws SQLException {
		try (ResultSet row = statement.executeQuery(POSTGRESQL_INSTALLED)) {
			row.next();
			return row.getBoolean(1);
		}
	}

}
