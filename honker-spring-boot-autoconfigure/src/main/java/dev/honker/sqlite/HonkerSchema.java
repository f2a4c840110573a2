package dev.honker.sqlite;

import java.sql.SQLException;
import java.util.List;

/**
 * The Honker 0.4 on-disk schema, created by {@code honker_bootstrap()}. Every statement
 * is idempotent, so bootstrapping an existing file (written by any Honker binding)
 * changes nothing.
 */
final class HonkerSchema {

	private static final List<String> TABLES_AND_INDEXES = List.of("""
			CREATE TABLE IF NOT EXISTS _honker_notifications (
			  id INTEGER PRIMARY KEY AUTOINCREMENT,
			  channel TEXT NOT NULL,
			  payload TEXT NOT NULL,
			  created_at INTEGER NOT NULL DEFAULT (unixepoch())
			)""", "CREATE INDEX IF NOT EXISTS _honker_notifications_recent ON _honker_notifications(channel, id)", """
			CREATE TABLE IF NOT EXISTS _honker_live (
			  id INTEGER PRIMARY KEY AUTOINCREMENT,
			  queue TEXT NOT NULL,
			  payload TEXT NOT NULL,
			  state TEXT NOT NULL DEFAULT 'pending',
			  priority INTEGER NOT NULL DEFAULT 0,
			  run_at INTEGER NOT NULL DEFAULT (unixepoch()),
			  worker_id TEXT,
			  claim_expires_at INTEGER,
			  attempts INTEGER NOT NULL DEFAULT 0,
			  max_attempts INTEGER NOT NULL DEFAULT 3,
			  created_at INTEGER NOT NULL DEFAULT (unixepoch()),
			  expires_at INTEGER
			)""", """
			CREATE INDEX IF NOT EXISTS _honker_live_claim
			  ON _honker_live(queue, priority DESC, run_at, id)
			  WHERE state IN ('pending', 'processing')""", """
			CREATE INDEX IF NOT EXISTS _honker_live_pending_deadline
			  ON _honker_live(queue, run_at)
			  WHERE state = 'pending'""", """
			CREATE INDEX IF NOT EXISTS _honker_live_processing_deadline
			  ON _honker_live(queue, claim_expires_at)
			  WHERE state = 'processing'""", """
			CREATE TABLE IF NOT EXISTS _honker_dead (
			  id INTEGER PRIMARY KEY,
			  queue TEXT NOT NULL,
			  payload TEXT NOT NULL,
			  priority INTEGER NOT NULL DEFAULT 0,
			  run_at INTEGER NOT NULL DEFAULT 0,
			  attempts INTEGER NOT NULL DEFAULT 0,
			  max_attempts INTEGER NOT NULL DEFAULT 0,
			  last_error TEXT,
			  created_at INTEGER NOT NULL DEFAULT (unixepoch()),
			  died_at INTEGER NOT NULL DEFAULT (unixepoch())
			)""", """
			CREATE TABLE IF NOT EXISTS _honker_locks (
			  name TEXT PRIMARY KEY,
			  owner TEXT NOT NULL,
			  expires_at INTEGER NOT NULL
			)""", """
			CREATE TABLE IF NOT EXISTS _honker_rate_limits (
			  name TEXT NOT NULL,
			  window_start INTEGER NOT NULL,
			  count INTEGER NOT NULL DEFAULT 0,
			  PRIMARY KEY (name, window_start)
			)""", """
			CREATE TABLE IF NOT EXISTS _honker_scheduler_tasks (
			  name TEXT PRIMARY KEY,
			  queue TEXT NOT NULL,
			  cron_expr TEXT NOT NULL,
			  payload TEXT NOT NULL,
			  priority INTEGER NOT NULL DEFAULT 0,
			  expires_s INTEGER,
			  next_fire_at INTEGER NOT NULL,
			  enabled INTEGER NOT NULL DEFAULT 1,
			  max_attempts INTEGER NOT NULL DEFAULT 3
			)""", """
			CREATE TABLE IF NOT EXISTS _honker_results (
			  job_id INTEGER PRIMARY KEY,
			  value TEXT,
			  created_at INTEGER NOT NULL DEFAULT (unixepoch()),
			  expires_at INTEGER
			)""", """
			CREATE TABLE IF NOT EXISTS _honker_stream (
			  offset INTEGER PRIMARY KEY AUTOINCREMENT,
			  topic TEXT NOT NULL,
			  key TEXT,
			  payload TEXT NOT NULL,
			  created_at INTEGER NOT NULL DEFAULT (unixepoch())
			)""", "CREATE INDEX IF NOT EXISTS _honker_stream_topic ON _honker_stream(topic, offset)", """
			CREATE TABLE IF NOT EXISTS _honker_stream_consumers (
			  name TEXT NOT NULL,
			  topic TEXT NOT NULL,
			  offset INTEGER NOT NULL DEFAULT 0,
			  PRIMARY KEY (name, topic)
			)""");

	/**
	 * The inspection view the Python and .NET bindings create; a superset that other
	 * bindings ignore.
	 */
	private static final String JOBS_VIEW = """
			CREATE VIEW IF NOT EXISTS _honker_jobs AS
			  SELECT id, queue, payload, state, priority, run_at, worker_id, claim_expires_at,
			         attempts, max_attempts, NULL AS last_error, created_at
			    FROM _honker_live
			  UNION ALL
			  SELECT id, queue, payload, 'dead' AS state, priority, run_at, NULL, NULL,
			         attempts, max_attempts, last_error, created_at
			    FROM _honker_dead""";

	/**
	 * A column added to {@code _honker_scheduler_tasks} after its first release, and the
	 * DDL that adds it.
	 */
	private record AddedColumn(String name, String ddl) {
	}

	/** The added scheduler columns, in order. */
	private static final List<AddedColumn> SCHEDULER_COLUMNS = List.of(
			new AddedColumn("enabled",
					"ALTER TABLE _honker_scheduler_tasks ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1"),
			new AddedColumn("max_attempts",
					"ALTER TABLE _honker_scheduler_tasks ADD COLUMN max_attempts INTEGER NOT NULL DEFAULT 3"));

	private HonkerSchema() {
	}

	/**
	 * Creates every Honker table, index and view that is missing, and migrates old
	 * scheduler tables.
	 */
	static void bootstrap(Statements statements) throws SQLException {
		statements.inSavepoint(() -> {
			for (String ddl : TABLES_AND_INDEXES) {
				statements.update(ddl);
			}
			migrateSchedulerColumns(statements);
			statements.update(JOBS_VIEW);
			return null;
		});
	}

	/**
	 * Adds the missing scheduler columns; losing the race to a concurrent bootstrapper is
	 * no error.
	 */
	private static void migrateSchedulerColumns(Statements statements) throws SQLException {
		for (AddedColumn column : SCHEDULER_COLUMNS) {
			long present = statements.queryLong(
					"SELECT count(*) FROM pragma_table_info('_honker_scheduler_tasks') WHERE name = ?1", column.name());
			if (present == 0) {
				try {
					statements.update(column.ddl());
				}
				catch (SQLException e) {
					if (!String.valueOf(e.getMessage()).contains("duplicate column")) {
						throw e;
					}
				}
			}
		}
	}

}
