package dev.honker.spring.scheduler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.honker.postgres.PostgresTestServer;
import dev.honker.spring.boot.autoconfigure.TestDatabase;
import dev.honker.spring.listener.PooledDatabaseTests;
import dev.honker.spring.listener.PostgresTestPool;
import dev.honker.spring.watch.DatabaseWatcher;
import dev.honker.spring.watch.PostgresDatabaseWatcher;
import dev.honker.spring.watch.SqliteDatabaseWatcher;
import dev.honker.spring.watch.WatcherOptions;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The scheduler leader on a host whose clock is an hour off the database's, on both
 * databases: it decides when to tick by the database's clock, so it fires each boundary
 * once and on time, neither late (a clock behind would wait for the next renewal) nor
 * early (a clock ahead would tick again and again, firing nothing on PostgreSQL, or
 * firing boundaries that have not come yet on SQLite).
 */
class SchedulerLeaderClockTests extends PooledDatabaseTests {

	private static final Duration RENEW_INTERVAL = Duration.ofSeconds(30);

	private HikariDataSource postgres;

	private JdbcTemplate jdbc;

	private HonkerSchedulerLeader leader;

	@AfterEach
	void stop() {
		if (this.leader != null) {
			this.leader.stop();
		}
		if (this.postgres != null) {
			this.postgres.close();
		}
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void aHostClockBehindTheDatabaseFiresEachBoundaryOnTime(TestDatabase database) {
		CountingClock clock = new CountingClock(Duration.ofHours(-1));
		startLeader(database, clock);
		long first = nextFireAt();
		await("well before the next renewal in " + RENEW_INTERVAL).atMost(Duration.ofSeconds(10))
			.until(() -> jobs() >= 3);
		this.leader.stop();
		assertThat(jobs()).as("one job per boundary passed").isEqualTo(nextFireAt() - first);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void aHostClockAheadOfTheDatabaseNeitherTicksEarlyNorLoops(TestDatabase database) {
		CountingClock clock = new CountingClock(Duration.ofHours(1));
		startLeader(database, clock);
		long first = nextFireAt();
		await().atMost(Duration.ofSeconds(10)).until(() -> jobs() >= 1);
		long reads = clock.reads();
		long fired = jobs();
		await().atMost(Duration.ofSeconds(10)).until(() -> jobs() >= fired + 3);
		long readsPerBoundary = (clock.reads() - reads) / (jobs() - fired);
		this.leader.stop();
		assertThat(jobs()).as("one job per boundary passed, none ahead").isEqualTo(nextFireAt() - first);
		assertThat(nextFireAt()).as("the next boundary is the database's next second")
			.isLessThanOrEqualTo(Instant.now().getEpochSecond() + 2);
		assertThat(readsPerBoundary).as("clock reads per boundary: a few decisions, not a loop").isLessThan(200);
	}

	private void startLeader(TestDatabase database, Clock clock) {
		DataSource dataSource = this.pool;
		DatabaseWatcher watcher;
		if (database == TestDatabase.POSTGRESQL) {
			String url = PostgresTestServer.get().createDatabase();
			this.postgres = PostgresTestPool.pool(url);
			dataSource = this.postgres;
			watcher = new PostgresDatabaseWatcher(url, new Properties(), Duration.ofSeconds(1));
		}
		else {
			watcher = new SqliteDatabaseWatcher(this.file, WatcherOptions.DEFAULTS);
		}
		this.jdbc = new JdbcTemplate(dataSource);
		new HonkerSchedules(dataSource, JsonMapper.shared())
			.register(ScheduleDefinition.of("beat", "ticks", "@every 1s"));
		this.leader = new HonkerSchedulerLeader(dataSource, () -> watcher, Duration.ofSeconds(60), RENEW_INTERVAL,
				() -> true, clock);
		this.leader.start();
	}

	private long jobs() {
		return this.jdbc.queryForObject("SELECT count(*) FROM _honker_live WHERE queue = 'ticks'", Long.class);
	}

	private long nextFireAt() {
		return this.jdbc.queryForObject("SELECT next_fire_at FROM _honker_scheduler_tasks WHERE name = 'beat'",
				Long.class);
	}

	/** The system clock moved by an offset, counting how often it is read. */
	private static final class CountingClock extends Clock {

		private final Clock skewed;

		private final AtomicLong reads = new AtomicLong();

		CountingClock(Duration offset) {
			this.skewed = Clock.offset(Clock.systemUTC(), offset);
		}

		long reads() {
			return this.reads.get();
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			throw new UnsupportedOperationException("the leader's clock keeps UTC");
		}

		@Override
		public Instant instant() {
			this.reads.incrementAndGet();
			return this.skewed.instant();
		}

		@Override
		public long millis() {
			this.reads.incrementAndGet();
			return this.skewed.millis();
		}

	}

}
