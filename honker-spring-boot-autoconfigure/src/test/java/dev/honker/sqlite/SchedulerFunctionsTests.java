package dev.honker.sqlite;

import static dev.honker.sqlite.TestDatabase.execute;
import static dev.honker.sqlite.TestDatabase.now;
import static dev.honker.sqlite.TestDatabase.open;
import static dev.honker.sqlite.TestDatabase.queryLong;
import static dev.honker.sqlite.TestDatabase.queryRows;
import static dev.honker.sqlite.TestDatabase.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The scheduler functions (docs/compatibility.md, Scheduler and cron): cron boundaries in
 * the system zone, register and re-register (a paused task stays paused), the tick with
 * its 64-fire catch-up cap and exactly-once fires under racing tickers, pause/resume,
 * list, update, and failures that leave the caller's transaction as it was (argument
 * typing: {@link StrictTypingTests}).
 */
class SchedulerFunctionsTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@TempDir
	Path dir;

	private Connection db;

	@BeforeEach
	void openDatabase() throws SQLException {
		db = open(dir.resolve("t.db"));
	}

	@AfterEach
	void closeDatabase() throws SQLException {
		db.close();
	}

	// --- honker_cron_next_after
	// -------------------------------------------------------------

	@Test
	void cronNextAfterComputesInTheSystemZone() throws SQLException {
		long from = 1_776_601_800L;
		assertThat(queryLong(db, "SELECT honker_cron_next_after('0 3 * * *', ?)", from))
			.isEqualTo(systemNext("0 3 * * *", from));
		assertThat(queryLong(db, "SELECT honker_cron_next_after('*/10 * * * * *', ?)", from + 5)).isEqualTo(from + 10);
		assertThat(queryLong(db, "SELECT honker_cron_next_after('@every 1s', ?)", from)).isEqualTo(from + 1);
		assertThatThrownBy(() -> queryLong(db, "SELECT honker_cron_next_after('* * *', 0)"))
			.isInstanceOf(SQLException.class)
			.hasMessageContaining("honker_cron_next_after: schedule expression requires 5 or 6 cron fields, "
					+ "or '@every <n><unit>'; got 3: \"* * *\"");
	}

	@Test
	void cronNextAfterIsDeterministicSoIndexesMayUseIt() throws SQLException {
		execute(db, "CREATE TABLE boundaries (t INTEGER)");
		execute(db, "CREATE INDEX boundaries_next ON boundaries (honker_cron_next_after('@every 5s', t))");
		assertThatThrownBy(() -> execute(db, "CREATE INDEX boundaries_random ON boundaries (t + random())"))
			.hasMessageContaining("non-deterministic");
		execute(db, "INSERT INTO boundaries VALUES (10), (20)");
		assertThat(queryLong(db, "SELECT t FROM boundaries WHERE honker_cron_next_after('@every 5s', t) = 25"))
			.isEqualTo(20);
	}

	// --- register / unregister
	// ----------------------------------------------------------------

	@Test
	void registerStoresTheTaskDueAtItsFirstBoundaryAfterNow() throws SQLException {
		long before = now(db);
		assertThat(queryLong(db, "SELECT honker_scheduler_register('nightly', 'q', '0 3 * * *', '\"go\"', 5, NULL)"))
			.isEqualTo(1);
		long after = now(db);

		List<Object> row = task("nightly");
		assertThat(row.subList(0, 6)).containsExactly("nightly", "q", "0 3 * * *", "\"go\"", 5, null);
		assertThat((Integer) row.get(7)).isEqualTo(1);
		assertThat((Integer) row.get(8)).isEqualTo(3);
		long nextFireAt = ((Number) row.get(6)).longValue();
		assertThat(nextFireAt).isIn(systemNext("0 3 * * *", before), systemNext("0 3 * * *", after));
		assertThat(ZonedDateTime.ofInstant(Instant.ofEpochSecond(nextFireAt), ZoneId.systemDefault()).toLocalTime())
			.isEqualTo(LocalTime.of(3, 0));
		assertThat(queryLong(db, "SELECT count(*) FROM _honker_notifications")).isZero();
	}

	@Test
	void sevenArgumentRegisterStoresMaxAttemptsClampedToOne() throws SQLException {
		execute(db, "SELECT honker_scheduler_register('four', 'q', '@every 5s', '{}', 0, 30, 4)");
		execute(db, "SELECT honker_scheduler_register('zero', 'q', '@every 5s', '{}', 0, NULL, 0)");
		execute(db, "SELECT honker_scheduler_register('negative', 'q', '@every 5s', '{}', 0, NULL, -5)");
		assertThat(queryRows(db, "SELECT name, expires_s, max_attempts FROM _honker_scheduler_tasks ORDER BY name"))
			.containsExactly(List.of("four", 30, 4), listOf("negative", null, 1), listOf("zero", null, 1));
	}

	@Test
	void registerRejectsAnInvalidExpressionAndWritesNothing() throws SQLException {
		assertThatThrownBy(() -> execute(db, "SELECT honker_scheduler_register('bad', 'q', '* * * *', '{}', 0, NULL)"))
			.isInstanceOf(SQLException.class)
			.hasMessageContaining("honker_scheduler_register: schedule expression requires 5 or 6 cron fields, "
					+ "or '@every <n><unit>'; got 4: \"* * * *\"");
		assertThatThrownBy(
				() -> execute(db, "SELECT honker_scheduler_register('bad', 'q', '* * * * 7', '{}', 0, NULL, 3)"))
			.hasMessageContaining("honker_scheduler_register: cron field \"7\" out of range [0,6] or inverted");
		assertThat(queryLong(db, "SELECT count(*) FROM _honker_scheduler_tasks")).isZero();
	}

	@Test
	void reRegisterReplacesTheTaskButKeepsAPausedTaskPaused() throws SQLException {
		execute(db, "SELECT honker_scheduler_register('t', 'q1', '0 3 * * *', '1', 1, NULL, 2)");
		assertThat(queryLong(db, "SELECT honker_scheduler_pause('t')")).isEqualTo(1);
		long before = now(db);

		assertThat(queryLong(db, "SELECT honker_scheduler_register('t', 'q2', '@every 60s', '2', 7, 90)")).isEqualTo(1);

		List<Object> row = task("t");
		assertThat(row.subList(0, 6)).containsExactly("t", "q2", "@every 60s", "2", 7, 90);
		assertThat(((Number) row.get(6)).longValue()).isBetween(before + 60, now(db) + 60);
		assertThat(row.subList(7, 9)).containsExactly(0, 3);
		assertThat(tick(now(db) + 3600)).isEmpty();
		assertThat(liveJobs()).isZero();
	}

	@Test
	void unregisterDeletesTheTask() throws SQLException {
		execute(db, "SELECT honker_scheduler_register('t', 'q', '@every 5s', '{}', 0, NULL)");
		assertThat(queryLong(db, "SELECT honker_scheduler_unregister('t')")).isEqualTo(1);
		assertThat(queryLong(db, "SELECT honker_scheduler_unregister('t')")).isZero();
		assertThat(queryLong(db, "SELECT count(*) FROM _honker_scheduler_tasks")).isZero();
	}

	// --- tick
	// ---------------------------------------------------------------------------------

	@Test
	void dailyTaskFiresOnceAtItsBoundaryAndMovesToTheNextDay() throws SQLException {
		execute(db, "SELECT honker_scheduler_register('nightly', 'q', '0 3 * * *', '\"go\"', 0, NULL)");
		long boundary = nextFireAt("nightly");

		String fires = queryString(db, "SELECT honker_scheduler_tick(?)", boundary + 1);

		long jobId = queryLong(db, "SELECT id FROM _honker_live");
		assertThat(fires).isEqualTo(
				"[{\"fire_at\":" + boundary + ",\"job_id\":" + jobId + ",\"name\":\"nightly\",\"queue\":\"q\"}]");
		assertThat(queryRows(db, "SELECT queue, payload, state FROM _honker_live"))
			.containsExactly(List.of("q", "\"go\"", "pending"));
		// The same local time a day later: boundary + 86400 unless the system zone
		// changes offset that night.
		long nextDay = ZonedDateTime.ofInstant(Instant.ofEpochSecond(boundary), ZoneId.systemDefault())
			.plusDays(1)
			.toEpochSecond();
		assertThat(nextFireAt("nightly")).isEqualTo(nextDay);
		if (ZoneId.systemDefault().getRules().isFixedOffset()) {
			assertThat(nextFireAt("nightly")).isEqualTo(boundary + 86_400);
		}

		assertThat(queryString(db, "SELECT honker_scheduler_tick(?)", boundary + 1)).isEqualTo("[]");
		assertThat(liveJobs()).isEqualTo(1);
		assertThat(queryLong(db, "SELECT honker_scheduler_unregister('nightly')")).isEqualTo(1);
	}

	@Test
	void everySecondTaskFiresOnceAtItsBoundary() throws SQLException {
		execute(db, "SELECT honker_scheduler_register('heartbeat', 'q', '@every 1s', '{}', 0, NULL)");
		long boundary = nextFireAt("heartbeat");

		assertThat(tick(boundary - 1)).isEmpty();
		List<JsonNode> fires = tick(boundary);

		assertThat(fires).hasSize(1);
		assertThat(fires.get(0).get("fire_at").asLong()).isEqualTo(boundary);
		assertThat(nextFireAt("heartbeat")).isEqualTo(boundary + 1);
		assertThat(tick(boundary)).isEmpty();
		assertThat(liveJobs()).isEqualTo(1);
	}

	@Test
	void firedJobsAreEnqueuedLikeHonkerEnqueue() throws SQLException {
		execute(db, "SELECT honker_scheduler_register('t', 'reports', '@every 1s', '{\"a\": 1}', 7, 60, 5)");
		long boundary = nextFireAt("t");
		long before = now(db);

		JsonNode fire = tick(boundary).get(0);

		long after = now(db);
		assertThat(fire.get("name").asString()).isEqualTo("t");
		assertThat(fire.get("queue").asString()).isEqualTo("reports");
		List<Object> job = queryRows(db, """
				SELECT id, queue, payload, state, priority, max_attempts, attempts, worker_id, claim_expires_at,
				       expires_at - run_at FROM _honker_live""").get(0);
		assertThat(job).containsExactly(fire.get("job_id").asInt(), "reports", "{\"a\": 1}", "pending", 7, 5, 0, null,
				null, 60);
		assertThat(queryLong(db, "SELECT run_at FROM _honker_live")).isBetween(before, after);
		assertThat(queryString(db, "SELECT honker_claim_batch('reports', 'w', 1, 30)"))
			.contains("\"payload\":\"{\\\"a\\\": 1}\"");
		assertThat(queryLong(db, "SELECT count(*) FROM _honker_notifications")).isZero();
	}

	@Test
	void missedHourlyBoundariesAreCaughtUpInOneTick() throws SQLException {
		execute(db, "SELECT honker_scheduler_register('hourly', 'q', '0 * * * *', '{}', 0, NULL)");
		long original = nextFireAt("hourly");
		long rewound = original - 4 * 3600;
		execute(db, "UPDATE _honker_scheduler_tasks SET next_fire_at = ?", rewound);

		List<JsonNode> fires = tick(original + 60);

		List<Long> expected = new ArrayList<>();
		long boundary = rewound;
		while (boundary <= original + 60) {
			expected.add(boundary);
			boundary = queryLong(db, "SELECT honker_cron_next_after('0 * * * *', ?)", boundary);
		}
		assertThat(fires).extracting(f -> f.get("fire_at").asLong()).containsExactlyElementsOf(expected);
		assertThat(nextFireAt("hourly")).isEqualTo(boundary);
		if (ZoneId.systemDefault().getRules().isFixedOffset()) {
			assertThat(expected).containsExactly(rewound, rewound + 3600, rewound + 7200, rewound + 10_800, original);
			assertThat(boundary).isEqualTo(original + 3600);
		}
		assertThat(liveJobs()).isEqualTo(expected.size());
	}

	@Test
	void catchUpAfterAnOutageStopsAtSixtyFourFiresAndSkipsTheRest() throws SQLException {
		execute(db, "SELECT honker_scheduler_register('storm', 'q', '@every 1s', '{}', 0, NULL)");
		long now = now(db);
		execute(db, "UPDATE _honker_scheduler_tasks SET next_fire_at = ?", now - 1000);

		List<JsonNode> fires = tick(now);

		assertThat(fires).extracting(f -> f.get("fire_at").asLong())
			.containsExactlyElementsOf(LongStream.range(now - 1000, now - 1000 + 64).boxed().toList());
		assertThat(fires).extracting(f -> f.get("job_id").asLong()).doesNotHaveDuplicates();
		assertThat(liveJobs()).isEqualTo(SchedulerFunctions.MAX_CATCH_UP_FIRES);
		assertThat(nextFireAt("storm")).isEqualTo(now + 1);
		assertThat(tick(now)).isEmpty();
		assertThat(tick(now + 1)).extracting(f -> f.get("fire_at").asLong()).containsExactly(now + 1);
	}

	@Test
	void catchUpCapAppliesToEachTaskSeparately() throws SQLException {
		execute(db, "SELECT honker_scheduler_register('a', 'qa', '@every 1s', '{}', 0, NULL)");
		execute(db, "SELECT honker_scheduler_register('b', 'qb', '* * * * * *', '{}', 0, NULL)");
		long now = now(db);
		execute(db, "UPDATE _honker_scheduler_tasks SET next_fire_at = ?", now - 500);

		List<JsonNode> fires = tick(now);

		assertThat(fires).filteredOn(f -> f.get("name").asString().equals("a")).hasSize(64);
		assertThat(fires).filteredOn(f -> f.get("name").asString().equals("b")).hasSize(64);
		assertThat(nextFireAt("a")).isEqualTo(now + 1);
		assertThat(nextFireAt("b")).isEqualTo(now + 1);
	}

	@Test
	void pausedTaskIsNotFiredAndResumedTaskCatchesUp() throws SQLException {
		execute(db, "SELECT honker_scheduler_register('t', 'q', '@every 1s', '{}', 0, NULL)");
		long now = now(db);
		execute(db, "UPDATE _honker_scheduler_tasks SET next_fire_at = ?", now - 10);

		assertThat(queryLong(db, "SELECT honker_scheduler_pause('t')")).isEqualTo(1);
		assertThat(queryLong(db, "SELECT honker_scheduler_pause('t')")).isZero();
		assertThat(tick(now)).isEmpty();
		assertThat(nextFireAt("t")).isEqualTo(now - 10);
		assertThat(queryLong(db, "SELECT honker_scheduler_soonest()")).isZero();

		assertThat(queryLong(db, "SELECT honker_scheduler_resume('t')")).isEqualTo(1);
		assertThat(queryLong(db, "SELECT honker_scheduler_resume('t')")).isZero();
		assertThat(nextFireAt("t")).isEqualTo(now - 10);
		assertThat(tick(now)).extracting(f -> f.get("fire_at").asLong())
			.containsExactlyElementsOf(LongStream.rangeClosed(now - 10, now).boxed().toList());
		assertThat(nextFireAt("t")).isEqualTo(now + 1);

		assertThat(queryLong(db, "SELECT honker_scheduler_pause('missing')")).isZero();
		assertThat(queryLong(db, "SELECT honker_scheduler_resume('missing')")).isZero();
	}

	@Test
	void tenRacingTickersFireABoundaryExactlyOnce() throws Exception {
		execute(db, "SELECT honker_scheduler_register('t', 'q', '@every 1s', '{}', 0, NULL)");
		long now = nextFireAt("t");
		List<Connection> connections = new ArrayList<>();
		ExecutorService pool = Executors.newFixedThreadPool(10);
		try {
			for (int i = 0; i < 10; i++) {
				connections.add(open(dir.resolve("t.db")));
			}
			CountDownLatch start = new CountDownLatch(1);
			List<Future<Integer>> results = new ArrayList<>();
			for (Connection connection : connections) {
				results.add(pool.submit(() -> {
					start.await();
					execute(connection, "BEGIN IMMEDIATE");
					String fires = queryString(connection, "SELECT honker_scheduler_tick(?)", now);
					execute(connection, "COMMIT");
					return JSON.readTree(fires).size();
				}));
			}
			start.countDown();
			int total = 0;
			for (Future<Integer> result : results) {
				total += result.get(30, TimeUnit.SECONDS);
			}
			assertThat(total).isEqualTo(1);
			assertThat(liveJobs()).isEqualTo(1);
			assertThat(nextFireAt("t")).isEqualTo(now + 1);
		}
		finally {
			pool.shutdownNow();
			for (Connection connection : connections) {
				connection.close();
			}
		}
	}

	@Test
	void failingTickLeavesTheCallersTransactionAsItWas() throws SQLException {
		execute(db, "SELECT honker_scheduler_register('good', 'q', '@every 1s', '{}', 0, NULL)");
		long now = now(db);
		execute(db, "UPDATE _honker_scheduler_tasks SET next_fire_at = ?", now - 5);
		execute(db, "INSERT INTO _honker_scheduler_tasks (name, queue, cron_expr, payload, next_fire_at) "
				+ "VALUES ('bad', 'q', 'nope', '{}', ?)", now - 5);
		execute(db, "CREATE TABLE orders (id INTEGER)");

		db.setAutoCommit(false);
		execute(db, "INSERT INTO orders VALUES (1)");
		assertThatThrownBy(() -> tick(now)).isInstanceOf(SQLException.class)
			.hasMessageContaining("honker_scheduler_tick: schedule expression requires 5 or 6 cron fields, "
					+ "or '@every <n><unit>'; got 1: \"nope\"");
		db.commit();
		db.setAutoCommit(true);

		assertThat(queryLong(db, "SELECT count(*) FROM orders")).isEqualTo(1);
		assertThat(liveJobs()).isZero();
		assertThat(nextFireAt("good")).isEqualTo(now - 5);
		assertThatThrownBy(() -> tick(now)).hasMessageContaining("got 1: \"nope\"");
		assertThat(liveJobs()).isZero();
	}

	// --- soonest / list
	// -----------------------------------------------------------------------

	@Test
	void soonestIsTheEarliestNextFireAtOfEnabledTasks() throws SQLException {
		assertThat(queryLong(db, "SELECT honker_scheduler_soonest()")).isZero();
		execute(db, "SELECT honker_scheduler_register('early', 'q', '@every 1s', '{}', 0, NULL)");
		execute(db, "SELECT honker_scheduler_register('late', 'q', '@every 1s', '{}', 0, NULL)");
		execute(db, "UPDATE _honker_scheduler_tasks SET next_fire_at = 100 WHERE name = 'early'");
		execute(db, "UPDATE _honker_scheduler_tasks SET next_fire_at = 200 WHERE name = 'late'");
		assertThat(queryLong(db, "SELECT honker_scheduler_soonest()")).isEqualTo(100);
		execute(db, "SELECT honker_scheduler_pause('early')");
		assertThat(queryLong(db, "SELECT honker_scheduler_soonest()")).isEqualTo(200);
	}

	@Test
	void listReturnsEveryTaskOrderedByName() throws SQLException {
		assertThat(queryString(db, "SELECT honker_scheduler_list()")).isEqualTo("[]");
		execute(db, "SELECT honker_scheduler_register('b', 'qb', '@every 5s', '[1]', -2, 30, 4)");
		execute(db, "SELECT honker_scheduler_register('a', 'qa', '0 3 * * *', '{\"x\":\"y\"}', 0, NULL)");
		execute(db, "SELECT honker_scheduler_pause('a')");

		assertThat(queryString(db, "SELECT honker_scheduler_list()")).isEqualTo("[{\"cron_expr\":\"0 3 * * *\","
				+ "\"enabled\":false,\"expires_s\":null,\"max_attempts\":3,\"name\":\"a\",\"next_fire_at\":"
				+ nextFireAt("a") + ",\"payload\":\"{\\\"x\\\":\\\"y\\\"}\",\"priority\":0,\"queue\":\"qa\"},"
				+ "{\"cron_expr\":\"@every 5s\",\"enabled\":true,\"expires_s\":30,\"max_attempts\":4,\"name\":\"b\","
				+ "\"next_fire_at\":" + nextFireAt("b") + ",\"payload\":\"[1]\",\"priority\":-2,\"queue\":\"qb\"}]");
	}

	@Test
	void listAndTickTreatAMissingMaxAttemptsAsThree() throws SQLException {
		Path legacy = dir.resolve("legacy.db");
		try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + legacy)) {
			execute(raw, """
					CREATE TABLE _honker_scheduler_tasks (name TEXT PRIMARY KEY, queue TEXT NOT NULL,
					  cron_expr TEXT NOT NULL, payload TEXT NOT NULL, priority INTEGER NOT NULL DEFAULT 0,
					  expires_s INTEGER, next_fire_at INTEGER NOT NULL, enabled INTEGER NOT NULL DEFAULT 1,
					  max_attempts INTEGER)""");
			execute(raw,
					"INSERT INTO _honker_scheduler_tasks (name, queue, cron_expr, payload, next_fire_at, max_attempts) "
							+ "VALUES ('old', 'q', '@every 1s', '{}', 100, NULL)");
		}
		try (Connection connection = open(legacy)) {
			JsonNode listed = JSON.readTree(queryString(connection, "SELECT honker_scheduler_list()"));
			assertThat(listed.get(0).get("max_attempts").asInt()).isEqualTo(3);
			queryString(connection, "SELECT honker_scheduler_tick(100)");
			assertThat(queryLong(connection, "SELECT max_attempts FROM _honker_live")).isEqualTo(3);
		}
	}

	// --- update
	// -------------------------------------------------------------------------------

	@Test
	void updateOfAMissingTaskReturnsZero() throws SQLException {
		assertThat(queryLong(db, "SELECT honker_scheduler_update('missing', NULL, 'p', NULL, NULL, 0)")).isZero();
		assertThat(queryLong(db, "SELECT honker_scheduler_update('missing', '* * *', NULL, NULL, NULL, 0)")).isZero();
		assertThat(queryLong(db, "SELECT count(*) FROM _honker_scheduler_tasks")).isZero();
	}

	@Test
	void updateWithNoFieldsReturnsZeroAndChangesNothing() throws SQLException {
		registerSample();
		List<Object> before = task("t");
		assertThat(queryLong(db, "SELECT honker_scheduler_update('t', NULL, NULL, NULL, NULL, 0)")).isZero();
		assertThat(queryLong(db, "SELECT honker_scheduler_update('t', NULL, NULL, NULL, 99, 0)")).isZero();
		assertThat(queryLong(db, "SELECT honker_scheduler_update('t', NULL, NULL, NULL, NULL, 0, NULL, 0)")).isZero();
		assertThat(queryLong(db, "SELECT honker_scheduler_update('t', NULL, NULL, NULL, 5, 0, 9, 0)")).isZero();
		assertThat(task("t")).isEqualTo(before);
	}

	@Test
	void updateChangesOnlyTheGivenFields() throws SQLException {
		registerSample();
		List<Object> row = new ArrayList<>(task("t"));

		assertThat(queryLong(db, "SELECT honker_scheduler_update('t', NULL, '\"new\"', NULL, 99, 0)")).isEqualTo(1);
		row.set(3, "\"new\"");
		assertThat(task("t")).isEqualTo(row);

		assertThat(queryLong(db, "SELECT honker_scheduler_update('t', NULL, NULL, 9, NULL, 0)")).isEqualTo(1);
		row.set(4, 9);
		assertThat(task("t")).isEqualTo(row);

		assertThat(queryLong(db, "SELECT honker_scheduler_update('t', NULL, NULL, NULL, 60, 1)")).isEqualTo(1);
		row.set(5, 60);
		assertThat(task("t")).isEqualTo(row);

		assertThat(queryLong(db, "SELECT honker_scheduler_update('t', NULL, NULL, NULL, NULL, 1)")).isEqualTo(1);
		row.set(5, null);
		assertThat(task("t")).isEqualTo(row);
	}

	@Test
	void updateSetsMaxAttemptsOnlyWhenTouched() throws SQLException {
		registerSample();
		assertThat(queryLong(db, "SELECT honker_scheduler_update('t', NULL, NULL, NULL, NULL, 0, 7, 1)")).isEqualTo(1);
		assertThat(maxAttempts()).isEqualTo(7);
		assertThat(queryLong(db, "SELECT honker_scheduler_update('t', NULL, 'p', NULL, NULL, 0, 9, 0)")).isEqualTo(1);
		assertThat(maxAttempts()).isEqualTo(7);
		assertThat(queryLong(db, "SELECT honker_scheduler_update('t', NULL, NULL, NULL, NULL, 0, 0, 1)")).isEqualTo(1);
		assertThat(maxAttempts()).isEqualTo(1);
		assertThat(queryLong(db, "SELECT honker_scheduler_update('t', NULL, NULL, NULL, NULL, 0, -3, 1)")).isEqualTo(1);
		assertThat(maxAttempts()).isEqualTo(1);
		assertThat(queryLong(db, "SELECT honker_scheduler_update('t', NULL, NULL, NULL, NULL, 0, NULL, 1)"))
			.isEqualTo(1);
		assertThat(maxAttempts()).isEqualTo(3);
	}

	@Test
	void updatedMaxAttemptsIsUsedByFiredJobs() throws SQLException {
		execute(db, "SELECT honker_scheduler_register('t', 'q', '@every 1s', '{}', 0, NULL)");
		execute(db, "SELECT honker_scheduler_update('t', NULL, NULL, NULL, NULL, 0, 2, 1)");
		tick(nextFireAt("t"));
		assertThat(queryLong(db, "SELECT max_attempts FROM _honker_live")).isEqualTo(2);
	}

	@Test
	void updateWithANewCronRecomputesNextFireAtFromNow() throws SQLException {
		registerSample();
		execute(db, "SELECT honker_scheduler_pause('t')");
		long before = now(db);
		assertThat(queryLong(db, "SELECT honker_scheduler_update('t', '@every 60s', NULL, NULL, NULL, 0)"))
			.isEqualTo(1);
		List<Object> row = task("t");
		assertThat(row.get(2)).isEqualTo("@every 60s");
		assertThat(((Number) row.get(6)).longValue()).isBetween(before + 60, now(db) + 60);
		assertThat(row.get(7)).isEqualTo(0);
	}

	@Test
	void invalidCronInUpdateLeavesTheRowUnchanged() throws SQLException {
		registerSample();
		List<Object> before = task("t");
		assertThatThrownBy(() -> execute(db, "SELECT honker_scheduler_update('t', '* * *', 'new', 9, 10, 1, 5, 1)"))
			.isInstanceOf(SQLException.class)
			.hasMessageContaining("honker_scheduler_update: schedule expression requires 5 or 6 cron fields, "
					+ "or '@every <n><unit>'; got 3: \"* * *\"");
		assertThatThrownBy(
				() -> execute(db, "SELECT honker_scheduler_update('t', '*/0 * * * *', 'new', NULL, NULL, 0)"))
			.hasMessageContaining("honker_scheduler_update: cron step must be positive: \"*/0\"");
		assertThat(task("t")).isEqualTo(before);
	}

	@Test
	void failingUpdateRollsBackItsEarlierWritesAndKeepsTheCallersTransaction() throws SQLException {
		registerSample();
		List<Object> before = task("t");
		execute(db, """
				CREATE TRIGGER refuse_priority_13 BEFORE UPDATE OF priority ON _honker_scheduler_tasks
				WHEN NEW.priority = 13 BEGIN SELECT RAISE(ABORT, 'priority 13 refused'); END""");
		execute(db, "CREATE TABLE orders (id INTEGER)");

		assertThatThrownBy(() -> execute(db, "SELECT honker_scheduler_update('t', '@every 9s', 'new', 13, NULL, 0)"))
			.hasMessageContaining("priority 13 refused");
		assertThat(task("t")).isEqualTo(before);

		db.setAutoCommit(false);
		execute(db, "INSERT INTO orders VALUES (1)");
		assertThatThrownBy(() -> execute(db, "SELECT honker_scheduler_update('t', NULL, 'new', 13, NULL, 0)"))
			.hasMessageContaining("priority 13 refused");
		db.commit();
		db.setAutoCommit(true);
		assertThat(queryLong(db, "SELECT count(*) FROM orders")).isEqualTo(1);
		assertThat(task("t")).isEqualTo(before);
	}

	// --- helpers
	// ------------------------------------------------------------------------------

	private void registerSample() throws SQLException {
		execute(db, "SELECT honker_scheduler_register('t', 'q', '0 3 * * *', '\"old\"', 1, 30, 4)");
	}

	private List<JsonNode> tick(long now) throws SQLException {
		List<JsonNode> fires = new ArrayList<>();
		JSON.readTree(queryString(db, "SELECT honker_scheduler_tick(?)", now)).forEach(fires::add);
		return fires;
	}

	private List<Object> task(String name) throws SQLException {
		return queryRows(db, "SELECT * FROM _honker_scheduler_tasks WHERE name = ?", name).get(0);
	}

	private long nextFireAt(String name) throws SQLException {
		return queryLong(db, "SELECT next_fire_at FROM _honker_scheduler_tasks WHERE name = ?", name);
	}

	private long maxAttempts() throws SQLException {
		return queryLong(db, "SELECT max_attempts FROM _honker_scheduler_tasks WHERE name = 't'");
	}

	private long liveJobs() throws SQLException {
		return queryLong(db, "SELECT count(*) FROM _honker_live");
	}

	private static long systemNext(String expression, long from) {
		return CronExpression.parse(expression).nextAfter(from, ZoneId.systemDefault());
	}

	/** A list that may hold nulls, unlike {@link List#of}. */
	private static List<Object> listOf(Object... values) {
		return Arrays.asList(values);
	}

}
