package dev.honker.sqlite;

import static dev.honker.sqlite.TestDatabase.execute;
import static dev.honker.sqlite.TestDatabase.queryLong;
import static dev.honker.sqlite.TestDatabase.queryRows;
import static dev.honker.sqlite.TestDatabase.queryString;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code honker_bootstrap()} creates exactly the Honker 0.4 schema
 * (docs/compatibility.md, Schema), idempotently, and migrates old files.
 */
class BootstrapTests {

	@TempDir
	Path directory;

	/** A database with the functions registered and the schema bootstrapped. */
	Connection connection;

	@BeforeEach
	void open() throws SQLException {
		connection = TestDatabase.open(directory.resolve("honker.db"));
	}

	@AfterEach
	void close() throws SQLException {
		connection.close();
	}

	@Test
	void createsExactlyTheHonkerObjects() throws Exception {
		assertThat(objects(connection, "table")).containsExactly("_honker_dead", "_honker_live", "_honker_locks",
				"_honker_notifications", "_honker_rate_limits", "_honker_results", "_honker_scheduler_tasks",
				"_honker_stream", "_honker_stream_consumers", "sqlite_sequence");
		assertThat(objects(connection, "view")).containsExactly("_honker_jobs");
		assertThat(objects(connection, "trigger")).isEmpty();
	}

	@Test
	void notificationsTable() throws Exception {
		assertThat(columns(connection, "_honker_notifications")).containsExactly("id INTEGER PK1",
				"channel TEXT NOT NULL", "payload TEXT NOT NULL", "created_at INTEGER NOT NULL DEFAULT unixepoch()");
		assertThat(indexes(connection, "_honker_notifications"))
			.containsExactly("_honker_notifications_recent(channel, id)");
		assertThat(tableSql(connection, "_honker_notifications")).contains("AUTOINCREMENT");
	}

	@Test
	void liveTableHasTwelveColumnsInPinnedOrder() throws Exception {
		assertThat(columns(connection, "_honker_live")).containsExactly("id INTEGER PK1", "queue TEXT NOT NULL",
				"payload TEXT NOT NULL", "state TEXT NOT NULL DEFAULT 'pending'", "priority INTEGER NOT NULL DEFAULT 0",
				"run_at INTEGER NOT NULL DEFAULT unixepoch()", "worker_id TEXT", "claim_expires_at INTEGER",
				"attempts INTEGER NOT NULL DEFAULT 0", "max_attempts INTEGER NOT NULL DEFAULT 3",
				"created_at INTEGER NOT NULL DEFAULT unixepoch()", "expires_at INTEGER");
		assertThat(tableSql(connection, "_honker_live")).contains("AUTOINCREMENT");
	}

	@Test
	void livePartialIndexes() throws Exception {
		assertThat(indexes(connection, "_honker_live")).containsExactly(
				"_honker_live_claim(queue, priority DESC, run_at, id) WHERE state IN ('pending', 'processing')",
				"_honker_live_pending_deadline(queue, run_at) WHERE state = 'pending'",
				"_honker_live_processing_deadline(queue, claim_expires_at) WHERE state = 'processing'");
	}

	@Test
	void deadTableHasTenColumnsAndNoIndex() throws Exception {
		assertThat(columns(connection, "_honker_dead")).containsExactly("id INTEGER PK1", "queue TEXT NOT NULL",
				"payload TEXT NOT NULL", "priority INTEGER NOT NULL DEFAULT 0", "run_at INTEGER NOT NULL DEFAULT 0",
				"attempts INTEGER NOT NULL DEFAULT 0", "max_attempts INTEGER NOT NULL DEFAULT 0", "last_error TEXT",
				"created_at INTEGER NOT NULL DEFAULT unixepoch()", "died_at INTEGER NOT NULL DEFAULT unixepoch()");
		assertThat(indexes(connection, "_honker_dead")).isEmpty();
		assertThat(tableSql(connection, "_honker_dead")).doesNotContain("AUTOINCREMENT");
	}

	@Test
	void lockRateLimitAndResultTables() throws Exception {
		assertThat(columns(connection, "_honker_locks")).containsExactly("name TEXT PK1", "owner TEXT NOT NULL",
				"expires_at INTEGER NOT NULL");
		assertThat(columns(connection, "_honker_rate_limits")).containsExactly("name TEXT NOT NULL PK1",
				"window_start INTEGER NOT NULL PK2", "count INTEGER NOT NULL DEFAULT 0");
		assertThat(columns(connection, "_honker_results")).containsExactly("job_id INTEGER PK1", "value TEXT",
				"created_at INTEGER NOT NULL DEFAULT unixepoch()", "expires_at INTEGER");
		for (String table : List.of("_honker_locks", "_honker_rate_limits", "_honker_results")) {
			assertThat(indexes(connection, table)).as(table).isEmpty();
		}
	}

	@Test
	void schedulerTableColumnsInPinnedOrder() throws Exception {
		assertThat(columns(connection, "_honker_scheduler_tasks")).containsExactly(SCHEDULER_COLUMNS);
		assertThat(indexes(connection, "_honker_scheduler_tasks")).isEmpty();
	}

	@Test
	void streamTables() throws Exception {
		assertThat(columns(connection, "_honker_stream")).containsExactly("offset INTEGER PK1", "topic TEXT NOT NULL",
				"key TEXT", "payload TEXT NOT NULL", "created_at INTEGER NOT NULL DEFAULT unixepoch()");
		assertThat(indexes(connection, "_honker_stream")).containsExactly("_honker_stream_topic(topic, offset)");
		assertThat(tableSql(connection, "_honker_stream")).contains("AUTOINCREMENT");
		assertThat(columns(connection, "_honker_stream_consumers")).containsExactly("name TEXT NOT NULL PK1",
				"topic TEXT NOT NULL PK2", "offset INTEGER NOT NULL DEFAULT 0");
	}

	@Test
	void jobsViewUnitesLiveAndDeadRows() throws Exception {
		assertThat(queryRows(connection, "SELECT name FROM pragma_table_info('_honker_jobs')").stream()
			.map(row -> (String) row.get(0))).containsExactly("id", "queue", "payload", "state", "priority", "run_at",
					"worker_id", "claim_expires_at", "attempts", "max_attempts", "last_error", "created_at");
		queryLong(connection, "SELECT honker_enqueue('q', 'live', NULL, NULL, 0, 3, NULL)");
		execute(connection,
				"INSERT INTO _honker_dead (id, queue, payload, last_error) VALUES (99, 'q', 'gone', 'boom')");

		assertThat(queryRows(connection, "SELECT id, state, last_error FROM _honker_jobs ORDER BY id"))
			.containsExactly(Arrays.asList(1, "pending", null), List.of(99, "dead", "boom"));
	}

	@Test
	void autoincrementIdsAreNeverReused() throws Exception {
		for (int i = 0; i < 3; i++) {
			queryLong(connection, "SELECT honker_enqueue('q', '{}', NULL, NULL, 0, 3, NULL)");
			queryLong(connection, "SELECT notify('c', '{}')");
			execute(connection, "INSERT INTO _honker_stream (topic, payload) VALUES ('t', '{}')");
		}
		execute(connection, "DELETE FROM _honker_live");
		execute(connection, "DELETE FROM _honker_notifications");
		execute(connection, "DELETE FROM _honker_stream");

		assertThat(queryLong(connection, "SELECT honker_enqueue('q', '{}', NULL, NULL, 0, 3, NULL)")).isEqualTo(4);
		assertThat(queryLong(connection, "SELECT notify('c', '{}')")).isEqualTo(4);
		assertThat(queryLong(connection,
				"INSERT INTO _honker_stream (topic, payload) VALUES ('t', '{}') RETURNING offset"))
			.isEqualTo(4);
	}

	@Test
	void bootstrapIsIdempotentAndKeepsData() throws Exception {
		long id = queryLong(connection, "SELECT honker_enqueue('q', '{\"keep\":true}', NULL, NULL, 0, 3, NULL)");
		List<List<Object>> before = schema(connection);

		assertThat(queryLong(connection, "SELECT honker_bootstrap()")).isEqualTo(1);
		assertThat(queryLong(connection, "SELECT honker_bootstrap()")).isEqualTo(1);

		assertThat(schema(connection)).isEqualTo(before);
		assertThat(queryString(connection, "SELECT payload FROM _honker_live WHERE id = ?", id))
			.isEqualTo("{\"keep\":true}");
	}

	@Test
	void bootstrapJoinsTheCallersTransaction() throws Exception {
		try (Connection unbootstrapped = registered(directory.resolve("tx.db"))) {
			unbootstrapped.setAutoCommit(false);
			queryLong(unbootstrapped, "SELECT honker_bootstrap()");
			unbootstrapped.rollback();
			unbootstrapped.setAutoCommit(true);

			assertThat(objects(unbootstrapped, "table")).isEmpty();
		}
	}

	@Test
	void migratesASchedulerTableWithoutEnabledAndMaxAttempts() throws Exception {
		try (Connection unbootstrapped = registered(directory.resolve("old.db"))) {
			execute(unbootstrapped, """
					CREATE TABLE _honker_scheduler_tasks (
					  name TEXT PRIMARY KEY, queue TEXT NOT NULL, cron_expr TEXT NOT NULL, payload TEXT NOT NULL,
					  priority INTEGER NOT NULL DEFAULT 0, expires_s INTEGER, next_fire_at INTEGER NOT NULL)""");
			execute(unbootstrapped,
					"INSERT INTO _honker_scheduler_tasks (name, queue, cron_expr, payload, next_fire_at) "
							+ "VALUES ('nightly', 'reports', '0 3 * * *', '{}', 1700000000)");

			queryLong(unbootstrapped, "SELECT honker_bootstrap()");

			assertThat(columns(unbootstrapped, "_honker_scheduler_tasks")).containsExactly(SCHEDULER_COLUMNS);
			assertThat(queryRows(unbootstrapped,
					"SELECT name, next_fire_at, enabled, max_attempts FROM _honker_scheduler_tasks"))
				.containsExactly(List.of("nightly", 1700000000, 1, 3));
		}
	}

	@Test
	void migratesASchedulerTableThatHasEnabledButNoMaxAttempts() throws Exception {
		try (Connection unbootstrapped = registered(directory.resolve("mid.db"))) {
			execute(unbootstrapped, """
					CREATE TABLE _honker_scheduler_tasks (
					  name TEXT PRIMARY KEY, queue TEXT NOT NULL, cron_expr TEXT NOT NULL, payload TEXT NOT NULL,
					  priority INTEGER NOT NULL DEFAULT 0, expires_s INTEGER, next_fire_at INTEGER NOT NULL,
					  enabled INTEGER NOT NULL DEFAULT 1)""");
			execute(unbootstrapped,
					"INSERT INTO _honker_scheduler_tasks (name, queue, cron_expr, payload, next_fire_at, enabled) "
							+ "VALUES ('paused', 'reports', '@every 5s', '{}', 1700000000, 0)");

			queryLong(unbootstrapped, "SELECT honker_bootstrap()");
			queryLong(unbootstrapped, "SELECT honker_bootstrap()");

			assertThat(columns(unbootstrapped, "_honker_scheduler_tasks")).containsExactly(SCHEDULER_COLUMNS);
			assertThat(queryRows(unbootstrapped, "SELECT name, enabled, max_attempts FROM _honker_scheduler_tasks"))
				.containsExactly(List.of("paused", 0, 3));
		}
	}

	@Test
	void worksInDeleteJournalModeWithoutChangingIt() throws Exception {
		try (Connection unbootstrapped = registered(directory.resolve("rollback-journal.db"))) {
			assertThat(queryString(unbootstrapped, "PRAGMA journal_mode=DELETE")).isEqualTo("delete");

			queryLong(unbootstrapped, "SELECT honker_bootstrap()");
			long id = queryLong(unbootstrapped, "SELECT honker_enqueue('q', '{}', NULL, NULL, 0, 3, NULL)");
			assertThat(queryString(unbootstrapped, "SELECT honker_claim_batch('q', 'w', 1, 60)"))
				.contains("\"id\":" + id);
			assertThat(queryLong(unbootstrapped, "SELECT honker_ack(?, 'w')", id)).isEqualTo(1);

			assertThat(objects(unbootstrapped, "table")).contains("_honker_live", "_honker_dead");
			assertThat(queryString(unbootstrapped, "PRAGMA journal_mode")).isEqualTo("delete");
		}
	}

	private static final String[] SCHEDULER_COLUMNS = { "name TEXT PK1", "queue TEXT NOT NULL",
			"cron_expr TEXT NOT NULL", "payload TEXT NOT NULL", "priority INTEGER NOT NULL DEFAULT 0",
			"expires_s INTEGER", "next_fire_at INTEGER NOT NULL", "enabled INTEGER NOT NULL DEFAULT 1",
			"max_attempts INTEGER NOT NULL DEFAULT 3" };

	/** A new database file with the functions registered but no schema. */
	private static Connection registered(Path file) throws SQLException {
		Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
		HonkerFunctions.register(connection);
		return connection;
	}

	private static List<String> objects(Connection connection, String type) throws SQLException {
		return queryRows(connection, "SELECT name FROM sqlite_master WHERE type = ? ORDER BY name", type).stream()
			.map(row -> (String) row.get(0))
			.toList();
	}

	/** Each column as "name TYPE [NOT NULL] [DEFAULT expr] [PKn]", in table order. */
	private static List<String> columns(Connection connection, String table) throws SQLException {
		return queryRows(connection,
				"SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid", table)
			.stream()
			.map(row -> row.get(0) + " " + row.get(1) + ((Integer) row.get(2) == 1 ? " NOT NULL" : "")
					+ (row.get(3) != null ? " DEFAULT " + row.get(3) : "")
					+ ((Integer) row.get(4) > 0 ? " PK" + row.get(4) : ""))
			.toList();
	}

	/**
	 * Each explicitly created index as "name(col, col DESC) [WHERE ...]", by name;
	 * automatic PK indexes are left out.
	 */
	private static List<String> indexes(Connection connection, String table) throws SQLException {
		List<List<Object>> rows = queryRows(connection,
				"SELECT name, \"unique\", partial FROM pragma_index_list(?) WHERE origin = 'c' ORDER BY name", table);
		List<String> described = new ArrayList<>();
		for (List<Object> row : rows) {
			String name = (String) row.get(0);
			assertThat(row.get(1)).as("%s is not unique", name).isEqualTo(0);
			String keys = queryRows(connection,
					"SELECT name, \"desc\" FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno", name)
				.stream()
				.map(key -> key.get(0) + ((Integer) key.get(1) == 1 ? " DESC" : ""))
				.collect(Collectors.joining(", ", name + "(", ")"));
			String sql = queryString(connection, "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
					name)
				.replaceAll("\\s+", " ");
			boolean partial = (Integer) row.get(2) == 1;
			described.add(partial ? keys + sql.substring(sql.indexOf(" WHERE ")) : keys);
		}
		return described;
	}

	private static String tableSql(Connection connection, String table) throws SQLException {
		return queryString(connection, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", table);
	}

	private static List<List<Object>> schema(Connection connection) throws SQLException {
		return queryRows(connection, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name");
	}

}
