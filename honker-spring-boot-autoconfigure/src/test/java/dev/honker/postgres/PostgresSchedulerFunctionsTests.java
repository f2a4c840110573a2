package dev.honker.postgres;

import static dev.honker.postgres.PostgresTestDatabase.execute;
import static dev.honker.postgres.PostgresTestDatabase.now;
import static dev.honker.postgres.PostgresTestDatabase.queryLong;
import static dev.honker.postgres.PostgresTestDatabase.queryRows;
import static dev.honker.postgres.PostgresTestDatabase.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The scheduler functions on PostgreSQL, rule by rule as
 * {@code dev.honker.sqlite.SchedulerFunctionsTests} pins them on SQLite
 * (docs/compatibility.md, Scheduler and cron): register, re-register, tick, catch-up cap,
 * pause and resume, soonest, list, update, and concurrent ticks from several connections.
 */
class PostgresSchedulerFunctionsTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	Connection db;

	@BeforeEach
	void open() throws SQLException {
		this.db = PostgresTestDatabase.open();
	}

	@AfterEach
	void close() throws SQLException {
		this.db.close();
	}

	@Test
	void registerStoresTheTaskDueAtItsFirstBoundaryAfterNow() throws SQLException {
		long before = now(this.db);
		assertThat(
				queryLong(this.db, "SELECT honker_scheduler_register('nightly', 'q', '0 3 * * *', '\"go\"', 5, NULL)"))
			.isEqualTo(1);
		long after = now(this.db);

		assertThat(task("nightly")).containsExactly("nightly", "q", "0 3 * * *", "\"go\"", 5L, null,
				nextFireAt("nightly"), 1L, 3L);
		assertThat(nextFireAt("nightly")).isIn(cronNext("0 3 * * *", before), cronNext("0 3 * * *", after));
	}

	@Test
	void sevenArgumentRegisterStoresMaxAttemptsClampedToOne() throws SQLException {
		execute(this.db, "SELECT honker_scheduler_register('four', 'q', '@every 5s', '{}', 0, 30, 4)");
		execute(this.db, "SELECT honker_scheduler_register('zero', 'q', '@every 5s', '{}', 0, NULL, 0)");

		assertThat(
				queryRows(this.db, "SELECT name, expires_s, max_attempts FROM _honker_scheduler_tasks ORDER BY name"))
			.containsExactly(Arrays.asList("four", 30L, 4L), Arrays.asList("zero", null, 1L));
	}

	@Test
	void registerRejectsAnInvalidExpressionAndWritesNothing() {
		assertThatThrownBy(
				() -> execute(this.db, "SELECT honker_scheduler_register('bad', 'q', '* * * *', '{}', 0, NULL)"))
			.hasMessageContaining("honker_scheduler_register: schedule expression requires 5 or 6 cron fields, "
					+ "or '@every <n><unit>'; got 4: \"* * * *\"");
		assertThatThrownBy(
				() -> execute(this.db, "SELECT honker_scheduler_register('bad', 'q', '* * * * 7', '{}', 0, NULL, 3)"))
			.hasMessageContaining("honker_scheduler_register: cron field \"7\" out of range [0,6] or inverted");
	}

	@Test
	void reRegisterReplacesTheTaskButKeepsAPausedTaskPaused() throws SQLException {
		execute(this.db, "SELECT honker_scheduler_register('t', 'q1', '0 3 * * *', '1', 1, NULL, 2)");
		assertThat(queryLong(this.db, "SELECT honker_scheduler_pause('t')")).isEqualTo(1);
		long before = now(this.db);

		assertThat(queryLong(this.db, "SELECT honker_scheduler_register('t', 'q2', '@every 60s', '2', 7, 90)"))
			.isEqualTo(1);

		List<Object> row = task("t");
		assertThat(row.subList(0, 6)).containsExactly("t", "q2", "@every 60s", "2", 7L, 90L);
		assertThat((Long) row.get(6)).isBetween(before + 60, now(this.db) + 60);
		assertThat(row.subList(7, 9)).containsExactly(0L, 3L);
		assertThat(tick(now(this.db) + 3600)).isEmpty();
		assertThat(queryLong(this.db, "SELECT honker_scheduler_unregister('t')")).isEqualTo(1);
		assertThat(queryLong(this.db, "SELECT honker_scheduler_unregister('t')")).isZero();
	}

	@Test
	void aTickFiresADueTaskOnceAndEnqueuesLikeHonkerEnqueue() throws Exception {
		execute(this.db, "SELECT honker_scheduler_register('t', 'reports', '@every 1s', '{\"a\": 1}', 7, 60, 5)");
		long boundary = nextFireAt("t");

		assertThat(tick(boundary - 1)).isEmpty();
		String fires = queryString(this.db, "SELECT honker_scheduler_tick(?)", boundary);

		long jobId = queryLong(this.db, "SELECT id FROM _honker_live");
		assertThat(fires).isEqualTo(
				"[{\"fire_at\":" + boundary + ",\"job_id\":" + jobId + ",\"name\":\"t\",\"queue\":\"reports\"}]");
		assertThat(queryRows(this.db,
				"""
						SELECT queue, payload, state, priority, max_attempts, attempts, expires_at - run_at FROM _honker_live"""))
			.containsExactly(Arrays.asList("reports", "{\"a\": 1}", "pending", 7L, 5L, 0L, 60L));
		assertThat(nextFireAt("t")).isEqualTo(boundary + 1);
		assertThat(tick(boundary)).as("idempotent for the same now").isEmpty();
	}

	@Test
	void missedBoundariesAreCaughtUpInOneTick() throws SQLException {
		execute(this.db, "SELECT honker_scheduler_register('hourly', 'q', '0 * * * *', '{}', 0, NULL)");
		long original = nextFireAt("hourly");
		long rewound = original - 4 * 3600;
		execute(this.db, "UPDATE _honker_scheduler_tasks SET next_fire_at = ?", rewound);

		List<JsonNode> fires = tick(original + 60);

		List<Long> expected = new ArrayList<>();
		long boundary = rewound;
		while (boundary <= original + 60) {
			expected.add(boundary);
			boundary = cronNext("0 * * * *", boundary);
		}
		assertThat(fires).extracting((f) -> f.get("fire_at").asLong()).containsExactlyElementsOf(expected);
		assertThat(nextFireAt("hourly")).isEqualTo(boundary);
		assertThat(liveJobs()).isEqualTo(expected.size());
	}

	@Test
	void catchUpAfterAnOutageStopsAtSixtyFourFiresAndSkipsTheRest() throws SQLException {
		execute(this.db, "SELECT honker_scheduler_register('storm', 'q', '@every 1s', '{}', 0, NULL)");
		long now = now(this.db);
		execute(this.db, "UPDATE _honker_scheduler_tasks SET next_fire_at = ?", now - 1000);

		List<JsonNode> fires = tick(now);

		assertThat(fires).extracting((f) -> f.get("fire_at").asLong())
			.containsExactlyElementsOf(LongStream.range(now - 1000, now - 1000 + 64).boxed().toList());
		assertThat(liveJobs()).isEqualTo(64);
		assertThat(nextFireAt("storm")).isEqualTo(now + 1);
		assertThat(tick(now)).isEmpty();
	}

	@Test
	void pausedTaskIsNotFiredAndResumedTaskCatchesUp() throws SQLException {
		execute(this.db, "SELECT honker_scheduler_register('t', 'q', '@every 1s', '{}', 0, NULL)");
		long now = now(this.db);
		execute(this.db, "UPDATE _honker_scheduler_tasks SET next_fire_at = ?", now - 10);

		assertThat(queryLong(this.db, "SELECT honker_scheduler_pause('t')")).isEqualTo(1);
		assertThat(queryLong(this.db, "SELECT honker_scheduler_pause('t')")).isZero();
		assertThat(tick(now)).isEmpty();
		assertThat(queryLong(this.db, "SELECT honker_scheduler_soonest()")).isZero();

		assertThat(queryLong(this.db, "SELECT honker_scheduler_resume('t')")).isEqualTo(1);
		assertThat(queryLong(this.db, "SELECT honker_scheduler_resume('t')")).isZero();
		assertThat(queryLong(this.db, "SELECT honker_scheduler_soonest()")).isEqualTo(now - 10);
		assertThat(tick(now)).extracting((f) -> f.get("fire_at").asLong())
			.containsExactlyElementsOf(LongStream.rangeClosed(now - 10, now).boxed().toList());
		assertThat(queryLong(this.db, "SELECT honker_scheduler_pause('missing')")).isZero();
	}

	@Test
	void tenRacingTickersFireABoundaryExactlyOnce() throws Exception {
		execute(this.db, "SELECT honker_scheduler_register('t', 'q', '@every 1s', '{}', 0, NULL)");
		long now = nextFireAt("t");
		String url = this.db.getMetaData().getURL();
		List<Connection> connections = new ArrayList<>();
		ExecutorService pool = Executors.newFixedThreadPool(10);
		try {
			for (int i = 0; i < 10; i++) {
				connections.add(PostgresTestDatabase.connect(url));
			}
			CountDownLatch start = new CountDownLatch(1);
			List<Future<Integer>> results = new ArrayList<>();
			for (Connection connection : connections) {
				results.add(pool.submit(() -> {
					start.await();
					connection.setAutoCommit(false);
					String fires = queryString(connection, "SELECT honker_scheduler_tick(?)", now);
					connection.commit();
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
	void aFailingTickFiresNothing() throws SQLException {
		execute(this.db, "SELECT honker_scheduler_register('good', 'q', '@every 1s', '{}', 0, NULL)");
		long now = now(this.db);
		execute(this.db, "UPDATE _honker_scheduler_tasks SET next_fire_at = ?", now - 5);
		execute(this.db, "INSERT INTO _honker_scheduler_tasks (name, queue, cron_expr, payload, next_fire_at) "
				+ "VALUES ('bad', 'q', 'nope', '{}', ?)", now - 5);

		assertThatThrownBy(() -> tick(now))
			.hasMessageContaining("honker_scheduler_tick: schedule expression requires 5 or 6 cron fields, "
					+ "or '@every <n><unit>'; got 1: \"nope\"");

		assertThat(liveJobs()).isZero();
		assertThat(nextFireAt("good")).isEqualTo(now - 5);
	}

	@Test
	void listReturnsEveryTaskOrderedByName() throws SQLException {
		assertThat(queryString(this.db, "SELECT honker_scheduler_list()")).isEqualTo("[]");
		execute(this.db, "SELECT honker_scheduler_register('b', 'qb', '@every 5s', '[1]', -2, 30, 4)");
		execute(this.db, "SELECT honker_scheduler_register('a', 'qa', '0 3 * * *', '{\"x\":\"y\"}', 0, NULL)");
		execute(this.db, "SELECT honker_scheduler_pause('a')");

		assertThat(queryString(this.db, "SELECT honker_scheduler_list()")).isEqualTo("[{\"cron_expr\":\"0 3 * * *\","
				+ "\"enabled\":false,\"expires_s\":null,\"max_attempts\":3,\"name\":\"a\",\"next_fire_at\":"
				+ nextFireAt("a") + ",\"payload\":\"{\\\"x\\\":\\\"y\\\"}\",\"priority\":0,\"queue\":\"qa\"},"
				+ "{\"cron_expr\":\"@every 5s\",\"enabled\":true,\"expires_s\":30,\"max_attempts\":4,\"name\":\"b\","
				+ "\"next_fire_at\":" + nextFireAt("b") + ",\"payload\":\"[1]\",\"priority\":-2,\"queue\":\"qb\"}]");
	}

	@Test
	void updateChangesOnlyTheGivenFields() throws SQLException {
		execute(this.db, "SELECT honker_scheduler_register('t', 'q', '0 3 * * *', '\"old\"', 1, 30, 4)");
		List<Object> row = new ArrayList<>(task("t"));
		assertThat(queryLong(this.db, "SELECT honker_scheduler_update('missing', NULL, 'p', NULL, NULL, 0)")).isZero();
		assertThat(queryLong(this.db, "SELECT honker_scheduler_update('t', NULL, NULL, NULL, 99, 0)")).isZero();
		assertThat(queryLong(this.db, "SELECT honker_scheduler_update('t', NULL, NULL, NULL, 5, 0, 9, 0)")).isZero();
		assertThat(task("t")).isEqualTo(row);

		assertThat(queryLong(this.db, "SELECT honker_scheduler_update('t', NULL, '\"new\"', 9, 60, 1)")).isEqualTo(1);
		row.set(3, "\"new\"");
		row.set(4, 9L);
		row.set(5, 60L);
		assertThat(task("t")).isEqualTo(row);

		assertThat(queryLong(this.db, "SELECT honker_scheduler_update('t', NULL, NULL, NULL, NULL, 1, 0, 1)"))
			.isEqualTo(1);
		row.set(5, null);
		row.set(8, 1L);
		assertThat(task("t")).isEqualTo(row);
		assertThat(queryLong(this.db, "SELECT honker_scheduler_update('t', NULL, NULL, NULL, NULL, 0, NULL, 1)"))
			.isEqualTo(1);
		assertThat(task("t").get(8)).isEqualTo(3L);
	}

	@Test
	void updateWithANewCronRecomputesNextFireAtAndAnInvalidOneChangesNothing() throws SQLException {
		execute(this.db, "SELECT honker_scheduler_register('t', 'q', '0 3 * * *', '\"old\"', 1, 30, 4)");
		List<Object> before = task("t");
		assertThatThrownBy(
				() -> execute(this.db, "SELECT honker_scheduler_update('t', '*/0 * * * *', 'new', NULL, NULL, 0)"))
			.hasMessageContaining("honker_scheduler_update: cron step must be positive: \"*/0\"");
		assertThat(task("t")).isEqualTo(before);

		long start = now(this.db);
		assertThat(queryLong(this.db, "SELECT honker_scheduler_update('t', '@every 60s', NULL, NULL, NULL, 0)"))
			.isEqualTo(1);
		List<Object> row = task("t");
		assertThat(row.get(2)).isEqualTo("@every 60s");
		assertThat((Long) row.get(6)).isBetween(start + 60, now(this.db) + 60);
	}

	private List<JsonNode> tick(long now) throws SQLException {
		List<JsonNode> fires = new ArrayList<>();
		JSON.readTree(queryString(this.db, "SELECT honker_scheduler_tick(?)", now)).forEach(fires::add);
		return fires;
	}

	private List<Object> task(String name) throws SQLException {
		return queryRows(this.db, "SELECT * FROM _honker_scheduler_tasks WHERE name = ?", name).get(0);
	}

	private long nextFireAt(String name) throws SQLException {
		return queryLong(this.db, "SELECT next_fire_at FROM _honker_scheduler_tasks WHERE name = ?", name);
	}

	private long cronNext(String expression, long from) throws SQLException {
		return queryLong(this.db, "SELECT honker_cron_next_after(?, ?)", expression, from);
	}

	private long liveJobs() throws SQLException {
		return queryLong(this.db, "SELECT count(*) FROM _honker_live");
	}

}
