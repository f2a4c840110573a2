package dev.honker.spring.scheduler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.honker.postgres.PostgresTestServer;
import dev.honker.spring.boot.autoconfigure.TestDatabase;
import dev.honker.spring.listener.ChildJvm;
import dev.honker.spring.listener.PooledDatabaseTests;
import dev.honker.spring.listener.PostgresTestPool;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two worker JVMs on one database (a SQLite file, or PostgreSQL) with two
 * {@code @every 1s} schedules (one configured with a listener, one a
 * {@code @HonkerScheduled} method): exactly one leads, each boundary fires exactly once,
 * and when the leader is killed with {@code kill -9} the other takes over within the
 * lock's time to live and fires the boundaries it missed.
 */
class SchedulerAcrossProcessesTests extends PooledDatabaseTests {

	private static final Duration LONG = Duration.ofSeconds(90);

	private JdbcTemplate jdbc;

	private TestDatabase database;

	private String databaseArgument;

	private HikariDataSource postgres;

	/**
	 * Points the test and its workers at the database: the SQLite file of
	 * {@link PooledDatabaseTests}, or a new PostgreSQL database; registers the schedules.
	 */
	private void use(TestDatabase database) {
		this.database = database;
		DataSource dataSource = this.pool;
		this.databaseArgument = "--worker.db=" + this.file;
		if (database == TestDatabase.POSTGRESQL) {
			String url = PostgresTestServer.get().createDatabase();
			this.postgres = PostgresTestPool.pool(url);
			dataSource = this.postgres;
			this.databaseArgument = "--spring.datasource.url=" + url;
		}
		this.jdbc = new JdbcTemplate(dataSource);
		this.jdbc.execute("CREATE TABLE handled (queue TEXT NOT NULL, job_id BIGINT NOT NULL, pid BIGINT NOT NULL)");
		HonkerSchedules schedules = new HonkerSchedules(dataSource, JsonMapper.shared());
		schedules.register(ScheduleDefinition.of("beat", "ticks", "@every 1s"));
		// what the workers' @HonkerScheduled declares, so that their registration finds
		// it unchanged
		schedules.register(ScheduleDefinition.of("beat-method", "scheduled", "@every 1s")
			.withPayload(JsonMapper.shared()
				.readTree("{\"__honker_task__\":{\"task\":\"beat-method\",\"args\":[],\"kwargs\":{}}}")));
	}

	@AfterEach
	void closePostgres() {
		if (this.postgres != null) {
			this.postgres.close();
		}
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void twoWorkersFireEachBoundaryOfTenSecondsExactlyOnce(TestDatabase database) throws Exception {
		use(database);
		long first = nextFireAt("beat");
		long firstMethod = nextFireAt("beat-method");
		try (ChildJvm a = worker("a", "60s", "30s"); ChildJvm b = worker("b", "60s", "30s")) {
			awaitReady(a, b);
			Instant start = Instant.now();
			await().atMost(LONG)
				.until(() -> Duration.between(start, Instant.now()).getSeconds() >= 10 && handled() >= 10);
			a.terminate();
			b.terminate();
		}
		long boundaries = nextFireAt("beat") - first;
		assertThat(boundaries).isGreaterThanOrEqualTo(10);
		assertEveryBoundaryFiredOnce("ticks", boundaries);
		assertEveryBoundaryFiredOnce("scheduled", nextFireAt("beat-method") - firstMethod);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void aKilledLeaderIsReplacedWithinTheLockTtlAndNoBoundaryIsLostOrDoubled(TestDatabase database) throws Exception {
		use(database);
		long first = nextFireAt("beat");
		long firstMethod = nextFireAt("beat-method");
		try (ChildJvm a = worker("a", "4s", "2s"); ChildJvm b = worker("b", "4s", "2s")) {
			List<String> owners = awaitReady(a, b);
			await().atMost(LONG).until(() -> handled() >= 3);
			String leaderOwner = lockOwner();
			ChildJvm leader = leaderOwner.equals(owners.get(0)) ? a : b;
			String survivor = leaderOwner.equals(owners.get(0)) ? owners.get(1) : owners.get(0);
			leader.kill();
			long killed = Instant.now().getEpochSecond();
			await("the survivor leads after the 4 s lease").atMost(LONG).until(() -> survivor.equals(lockOwner()));
			assertThat(this.jdbc.queryForObject("SELECT expires_at FROM _honker_locks", Long.class))
				.isGreaterThan(killed);
			long afterTakeover = nextFireAt("beat");
			await().atMost(LONG).until(() -> nextFireAt("beat") >= afterTakeover + 3);
			(leader == a ? b : a).terminate();
		}
		assertEveryBoundaryFiredOnce("ticks", nextFireAt("beat") - first);
		assertEveryBoundaryFiredOnce("scheduled", nextFireAt("beat-method") - firstMethod);
	}

	/**
	 * Every job of the queue is live, dead or handled; there is one per boundary, and
	 * none was handled twice.
	 */
	private void assertEveryBoundaryFiredOnce(String queue, long boundaries) {
		Set<Long> ids = new HashSet<>();
		ids.addAll(this.jdbc.queryForList("SELECT id FROM _honker_live WHERE queue = ?", Long.class, queue));
		ids.addAll(this.jdbc.queryForList("SELECT id FROM _honker_dead WHERE queue = ?", Long.class, queue));
		List<Long> handled = this.jdbc.queryForList("SELECT job_id FROM handled WHERE queue = ?", Long.class, queue);
		assertThat(handled).doesNotHaveDuplicates();
		ids.addAll(handled);
		assertThat(ids).as("one job per boundary").hasSize((int) boundaries);
	}

	private ChildJvm worker(String name, String ttl, String renew) throws Exception {
		return ChildJvm.start(this.dir.resolve(name + ".log"), SchedulerWorkerMain.class, this.databaseArgument,
				"--honker.scheduler.schedules.beat.queue=ticks", "--honker.scheduler.schedules.beat.cron=@every 1s",
				"--honker.scheduler.lock-ttl=" + ttl, "--honker.scheduler.lock-renew-interval=" + renew);
	}

	/** Waits until both workers printed their ready line; returns their owner tokens. */
	private List<String> awaitReady(ChildJvm a, ChildJvm b) throws IOException {
		await().atMost(LONG).until(() -> ready("a") != null && ready("b") != null);
		return List.of(ready("a"), ready("b"));
	}

	/** The scheduler owner token a worker printed, or {@code null} before it is ready. */
	private String ready(String name) throws IOException {
		Path log = this.dir.resolve(name + ".log");
		if (!Files.exists(log)) {
			return null;
		}
		return Files.readAllLines(log)
			.stream()
			.filter(line -> line.startsWith("worker ready "))
			.map(line -> line.substring(line.lastIndexOf(' ') + 1))
			.findFirst()
			.orElse(null);
	}

	private String lockOwner() {
		List<String> owners = this.jdbc
			.queryForList("SELECT owner FROM _honker_locks WHERE name = 'honker-scheduler' AND expires_at > "
					+ this.database.dialect().now(), String.class);
		return owners.isEmpty() ? null : owners.get(0);
	}

	private long handled() {
		return this.jdbc.queryForObject("SELECT count(*) FROM handled", Long.class);
	}

	private long nextFireAt(String name) {
		return this.jdbc.queryForObject("SELECT next_fire_at FROM _honker_scheduler_tasks WHERE name = ?", Long.class,
				name);
	}

}
