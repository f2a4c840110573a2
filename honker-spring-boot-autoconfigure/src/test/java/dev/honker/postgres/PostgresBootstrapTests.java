package dev.honker.postgres;

import static dev.honker.sqlite.TestDatabase.execute;
import static dev.honker.sqlite.TestDatabase.queryLong;
import static dev.honker.sqlite.TestDatabase.queryRows;
import static dev.honker.sqlite.TestDatabase.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.honker.sqlite.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL schema: what the bootstrap creates, its version, idempotence (twice, and
 * concurrently from several connections), and functions that do not depend on the
 * caller's search_path (docs/postgresql.md).
 */
class PostgresBootstrapTests {

	@TempDir
	Path directory;

	@Test
	void createsEveryTableOfTheHonkerSchemaInItsOwnSchema() throws Exception {
		try (Connection connection = PostgresTestDatabase.open()) {
			assertThat(queryRows(connection,
					"SELECT table_name FROM information_schema.tables WHERE table_schema = 'honker' ORDER BY 1"))
				.extracting((row) -> row.get(0))
				.containsExactly("_honker_dead", "_honker_jobs", "_honker_live", "_honker_locks",
						"_honker_notifications", "_honker_rate_limits", "_honker_results", "_honker_scheduler_tasks",
						"_honker_schema_version", "_honker_stream", "_honker_stream_consumers");
			assertThat(queryRows(connection, """
					SELECT column_name, data_type, column_default IS NOT NULL, is_nullable
					  FROM information_schema.columns
					 WHERE table_schema = 'honker' AND table_name = '_honker_live' ORDER BY ordinal_position"""))
				.containsExactly(List.of("id", "bigint", false, "NO"), List.of("queue", "text", false, "NO"),
						List.of("payload", "text", false, "NO"), List.of("state", "text", true, "NO"),
						List.of("priority", "bigint", true, "NO"), List.of("run_at", "bigint", true, "NO"),
						List.of("worker_id", "text", false, "YES"), List.of("claim_expires_at", "bigint", false, "YES"),
						List.of("attempts", "bigint", true, "NO"), List.of("max_attempts", "bigint", true, "NO"),
						List.of("created_at", "bigint", true, "NO"), List.of("expires_at", "bigint", false, "YES"));
			assertThat(queryRows(connection,
					"SELECT indexname FROM pg_indexes WHERE schemaname = 'honker' AND indexname NOT LIKE '%pkey' ORDER BY 1"))
				.extracting((row) -> row.get(0))
				.containsExactly("_honker_live_claim", "_honker_live_exhausted", "_honker_live_pending_deadline",
						"_honker_live_processing_deadline", "_honker_notifications_recent", "_honker_stream_topic");
			assertThat(queryLong(connection, "SELECT honker_bootstrap()")).isEqualTo(1);
		}
	}

	@Test
	void recordsItsVersionAndRunsOnlyWhenTheDatabaseIsOlder() throws Exception {
		String url = PostgresTestServer.get().createDatabase();
		try (Connection connection = DriverManager.getConnection(url)) {
			assertThat(PostgresBootstrap.installedVersion(connection)).isZero();
			PostgresBootstrap.bootstrap(connection);
			assertThat(PostgresBootstrap.installedVersion(connection)).isEqualTo(PostgresBootstrap.SCHEMA_VERSION);
			execute(connection, "INSERT INTO honker._honker_live (queue, payload) VALUES ('q', '{}')");
			execute(connection, "DROP FUNCTION honker.honker_cancel(bigint)");

			PostgresBootstrap.bootstrap(connection);

			assertThat(queryLong(connection, "SELECT count(*) FROM pg_proc WHERE proname = 'honker_cancel'"))
				.as("a current schema is left alone")
				.isZero();
			assertThat(queryLong(connection, "SELECT count(*) FROM honker._honker_live")).isEqualTo(1);
		}
	}

	@Test
	void upgradesAVersionOneSchemaInPlaceKeepingItsJobs() throws Exception {
		String url = PostgresTestServer.get().createDatabase();
		try (Connection connection = DriverManager.getConnection(url)) {
			PostgresBootstrap.bootstrap(connection);
			// what version 1 left: its version row, and _json_text declared IMMUTABLE
			execute(connection, "UPDATE honker._honker_schema_version SET version = 1");
			execute(connection, "ALTER FUNCTION honker._json_text(text) IMMUTABLE");
			execute(connection, "INSERT INTO honker._honker_live (queue, payload) VALUES ('q', '{}')");
			assertThat(PostgresBootstrap.installedVersion(connection)).isEqualTo(1);

			PostgresBootstrap.bootstrap(connection);

			assertThat(PostgresBootstrap.installedVersion(connection)).isEqualTo(2);
			assertThat(queryString(connection, "SELECT provolatile FROM pg_proc WHERE proname = '_json_text'"))
				.isEqualTo("s");
			assertThat(queryLong(connection, "SELECT count(*) FROM honker._honker_live")).isEqualTo(1);
		}
	}

	@Test
	void theScriptRunTwiceChangesNothing() throws Exception {
		try (Connection connection = PostgresTestDatabase.open()) {
			long job = queryLong(connection, "SELECT honker_enqueue('q', '{}', NULL, NULL, 0, 3, NULL)");
			List<List<Object>> before = queryRows(connection, "SELECT * FROM honker._honker_live ORDER BY id");

			connection.setAutoCommit(false);
			execute(connection, PostgresBootstrap.script());
			execute(connection, PostgresBootstrap.script());
			connection.commit();
			connection.setAutoCommit(true);

			assertThat(queryRows(connection, "SELECT * FROM honker._honker_live ORDER BY id")).isEqualTo(before);
			assertThat(queryLong(connection, "SELECT count(*) FROM honker._honker_schema_version")).isEqualTo(1);
			assertThat(queryLong(connection, "SELECT honker_enqueue('q', '{}', NULL, NULL, 0, 3, NULL)"))
				.isEqualTo(job + 1);
		}
	}

	@Test
	void concurrentBootstrapsFromSeveralConnectionsAllSucceed() throws Exception {
		String url = PostgresTestServer.get().createDatabase();
		int connections = 6;
		ExecutorService executor = Executors.newFixedThreadPool(connections);
		CountDownLatch start = new CountDownLatch(1);
		try {
			List<Future<Integer>> results = new ArrayList<>();
			for (int i = 0; i < connections; i++) {
				results.add(executor.submit(() -> {
					try (Connection connection = DriverManager.getConnection(url)) {
						start.await();
						PostgresBootstrap.bootstrap(connection);
						return PostgresBootstrap.installedVersion(connection);
					}
				}));
			}
			start.countDown();
			for (Future<Integer> result : results) {
				assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(PostgresBootstrap.SCHEMA_VERSION);
			}
		}
		finally {
			executor.shutdownNow();
		}
		try (Connection connection = PostgresTestDatabase.connect(url)) {
			assertThat(queryLong(connection, "SELECT honker_enqueue('q', '{}', NULL, NULL, 0, 3, NULL)")).isEqualTo(1);
		}
	}

	@Test
	void aBootstrapInTheCallersTransactionRollsBackWithIt() throws Exception {
		String url = PostgresTestServer.get().createDatabase();
		try (Connection connection = DriverManager.getConnection(url)) {
			connection.setAutoCommit(false);
			PostgresBootstrap.bootstrap(connection);
			connection.rollback();
			connection.setAutoCommit(true);

			assertThat(PostgresBootstrap.installedVersion(connection)).isZero();
			assertThat(queryString(connection, "SELECT to_regnamespace('honker')::text")).isNull();
		}
	}

	@Test
	void functionsDoNotDependOnTheCallersSearchPath() throws Exception {
		try (Connection connection = PostgresTestDatabase.open()) {
			execute(connection, "SET search_path TO pg_catalog");

			long job = queryLong(connection, "SELECT honker.honker_enqueue('q', '{}', NULL, NULL, 0, 3, 60)");
			String claimed = queryString(connection, "SELECT honker.honker_claim_batch('q', 'w', 1, 60)");
			assertThat(claimed).contains("\"id\":" + job);
			assertThat(queryLong(connection, "SELECT honker.honker_heartbeat(?, 'w', 30)", job)).isEqualTo(1);
			assertThat(queryLong(connection, "SELECT honker.honker_retry(?, 'w', 0, 'boom')", job)).isEqualTo(1);
			assertThat(queryString(connection, "SELECT honker.honker_claim_batch('q', 'w', 1, 60)"))
				.contains("\"id\":" + job);
			assertThat(queryLong(connection, "SELECT honker.honker_fail(?, 'w', 'boom')", job)).isEqualTo(1);
			assertThat(queryLong(connection, "SELECT honker.notify('c', 'p')")).isEqualTo(1);
			assertThat(queryLong(connection, "SELECT honker.honker_stream_publish('t', NULL, '{}')")).isEqualTo(1);
			assertThat(queryString(connection, "SELECT honker.honker_stream_read_since('t', 0, 10)"))
				.contains("\"offset\":1");
			assertThat(queryLong(connection, "SELECT honker.honker_lock_acquire('l', 'o', 60)")).isEqualTo(1);
			assertThat(queryLong(connection, "SELECT honker.honker_rate_limit_try('r', 1, 60)")).isEqualTo(1);
			assertThat(queryLong(connection, "SELECT honker.honker_result_save(1, 'v', 60)")).isEqualTo(1);
			assertThat(queryLong(connection,
					"SELECT honker.honker_scheduler_register('t', 'q', '@every 1s', '{}', 0, NULL)"))
				.isEqualTo(1);
			assertThat(queryString(connection, "SELECT honker.honker_scheduler_tick(honker._unixepoch() + 5)"))
				.contains("\"name\":\"t\"");
			assertThat(queryLong(connection,
					"SELECT honker.honker_scheduler_update('t', '0 3 * * *', NULL, NULL, NULL, 0)"))
				.isEqualTo(1);
			assertThat(queryString(connection, "SELECT honker.honker_scheduler_list()")).contains("\"0 3 * * *\"");
		}
	}

	@Test
	void refusesAConnectionToAnotherDatabase() throws Exception {
		try (Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + this.directory.resolve("x.db"))) {
			assertThatIllegalArgumentException().isThrownBy(() -> PostgresBootstrap.bootstrap(sqlite))
				.withMessage("PostgresBootstrap needs a connection to PostgreSQL, got a connection to SQLite");
		}
		assertThatIllegalArgumentException().isThrownBy(() -> PostgresBootstrap.bootstrap(null))
			.withMessage("connection must not be null");
	}

}
