package dev.honker.spring.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.honker.spring.listener.PooledDatabaseTests;
import dev.honker.spring.watch.DatabaseWatcher;
import dev.honker.spring.watch.SqliteDatabaseWatcher;
import dev.honker.spring.watch.WatcherOptions;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The scheduler leader in this JVM, on a real file: it holds Honker's lock, fires every
 * boundary once, catches up missed boundaries, honours pause, resume and update, wakes on
 * commits instead of polling, hands over on stop and stops ticking when it loses the
 * lock.
 */
class HonkerSchedulerLeaderTests extends PooledDatabaseTests {

	private static final Duration LONG = Duration.ofSeconds(30);

	private DatabaseWatcher watcher;

	private HonkerSchedules schedules;

	private JdbcTemplate jdbc;

	private final List<HonkerSchedulerLeader> leaders = new ArrayList<>();

	@BeforeEach
	void open() {
		this.watcher = new SqliteDatabaseWatcher(this.file, WatcherOptions.DEFAULTS);
		this.schedules = new HonkerSchedules(this.pool, JsonMapper.shared());
		this.jdbc = new JdbcTemplate(this.pool);
	}

	@AfterEach
	void close() {
		this.leaders.forEach(HonkerSchedulerLeader::stop);
	}

	@Test
	void holdsTheLockAndFiresEachBoundaryOnce() {
		this.schedules.register(ScheduleDefinition.of("beat", "ticks", "@every 1s").withPayload(Map.of("n", 1)));
		long first = nextFireAt("beat");
		HonkerSchedulerLeader leader = start(Duration.ofSeconds(60), Duration.ofSeconds(30));
		await().atMost(LONG).until(() -> jobs("ticks") >= 3);
		assertThat(leader.isLeader()).isTrue();
		assertThat(this.jdbc.queryForObject("SELECT owner FROM _honker_locks WHERE name = 'honker-scheduler'",
				String.class))
			.isEqualTo(leader.getOwner())
			.hasSize(32);
		leader.stop();
		assertThat(jobs("ticks")).as("one job per boundary passed").isEqualTo(nextFireAt("beat") - first);
		assertThat(this.jdbc.queryForObject("SELECT count(*) FROM _honker_locks", Long.class)).as("released on stop")
			.isZero();
		assertThat(this.jdbc.queryForObject("SELECT DISTINCT payload FROM _honker_live", String.class))
			.isEqualTo("{\"n\":1}");
		List<Long> jobIds = this.jdbc.queryForList("SELECT id FROM _honker_live ORDER BY id DESC", Long.class);
		assertThat(leader.recentFires("beat")).as("the latest fires, newest first")
			.extracting(ScheduleFire::jobId)
			.containsExactlyElementsOf(jobIds.subList(0, Math.min(jobIds.size(), HonkerSchedulerLeader.RECENT_FIRES)));
	}

	@Test
	void oneCandidateLeadsAndAnotherTakesOverWhenItStops() {
		HonkerSchedulerLeader a = start(Duration.ofSeconds(60), Duration.ofSeconds(30));
		HonkerSchedulerLeader b = start(Duration.ofSeconds(60), Duration.ofSeconds(30));
		await().atMost(LONG).until(() -> a.isLeader() || b.isLeader());
		assertThat(a.isLeader() && b.isLeader()).isFalse();
		HonkerSchedulerLeader leading = a.isLeader() ? a : b;
		HonkerSchedulerLeader waiting = (leading == a) ? b : a;
		this.schedules.register(ScheduleDefinition.of("beat", "ticks", "@every 1s"));
		await().atMost(LONG).until(() -> jobs("ticks") >= 1);
		leading.stop();
		await("long before the 60 s lease ends").atMost(Duration.ofSeconds(20)).until(waiting::isLeader);
		long fired = jobs("ticks");
		await().atMost(LONG).until(() -> jobs("ticks") > fired);
	}

	@Test
	void losingTheLockIsLoggedAndStopsTicking() {
		Logger logger = (Logger) LoggerFactory.getLogger(HonkerSchedulerLeader.class);
		ListAppender<ILoggingEvent> log = new ListAppender<>();
		log.start();
		logger.addAppender(log);
		try {
			this.schedules.register(ScheduleDefinition.of("beat", "ticks", "@every 1s"));
			HonkerSchedulerLeader leader = start(Duration.ofSeconds(60), Duration.ofSeconds(30));
			await().atMost(LONG).until(() -> jobs("ticks") >= 1);
			this.jdbc.update("UPDATE _honker_locks SET owner = 'thief', expires_at = unixepoch() + 600");
			long fired = jobs("ticks");
			await().atMost(LONG).until(() -> !leader.isLeader());
			await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> jobs("ticks") == fired);
			assertThat(this.jdbc.queryForObject("SELECT owner FROM _honker_locks", String.class)).isEqualTo("thief");
			assertThat(log.list).anySatisfy(
					event -> assertThat(event.getFormattedMessage()).contains("lost the lock 'honker-scheduler'")
						.contains(leader.getOwner()));
		}
		finally {
			logger.detachAppender(log);
		}
	}

	@Test
	void catchesUpThreeMissedBoundaries() {
		this.schedules.register(ScheduleDefinition.of("hourly", "ticks", "@every 1h"));
		long missed = Instant.now().getEpochSecond() - 3 * 3600 + 120;
		this.jdbc.update("UPDATE _honker_scheduler_tasks SET next_fire_at = ?", missed);
		start(Duration.ofSeconds(60), Duration.ofSeconds(30));
		await().atMost(LONG).until(() -> jobs("ticks") == 3);
		await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> jobs("ticks") == 3);
		assertThat(nextFireAt("hourly")).isEqualTo(missed + 3 * 3600);
	}

	@Test
	void pausedSchedulesDoNotFireAndResumedOnesCatchUp() {
		this.schedules.register(ScheduleDefinition.of("beat", "ticks", "@every 1s"));
		start(Duration.ofSeconds(60), Duration.ofSeconds(30));
		await().atMost(LONG).until(() -> jobs("ticks") >= 1);
		this.schedules.pause("beat");
		long fired = jobs("ticks");
		long pausedAt = Instant.now().getEpochSecond();
		await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> jobs("ticks") == fired);
		this.schedules.resume("beat");
		long resumedAt = Instant.now().getEpochSecond();
		await().atMost(LONG).until(() -> jobs("ticks") >= fired + (resumedAt - pausedAt) - 1);
		assertThat(nextFireAt("beat")).isGreaterThan(resumedAt);
	}

	@Test
	void anUpdateOrANewScheduleWakesASleepingLeader() {
		this.schedules.register(ScheduleDefinition.of("rare", "ticks", "0 0 1 1 *").withPayload("old"));
		HonkerSchedulerLeader leader = start(Duration.ofSeconds(600), Duration.ofSeconds(300));
		await().atMost(LONG).until(leader::isLeader);
		this.schedules.update("rare", ScheduleUpdate.change().withExpression("@every 1s").withPayload("new"));
		await("woken by the commit, not by the 300 s renewal").atMost(Duration.ofSeconds(10))
			.until(() -> jobs("ticks") >= 1);
		assertThat(this.jdbc.queryForObject("SELECT payload FROM _honker_live LIMIT 1", String.class))
			.isEqualTo("\"new\"");
		this.schedules.register(ScheduleDefinition.of("other", "others", "@every 1s"));
		await().atMost(Duration.ofSeconds(10)).until(() -> jobs("others") >= 1);
	}

	private HonkerSchedulerLeader start(Duration ttl, Duration renew) {
		HonkerSchedulerLeader leader = new HonkerSchedulerLeader(this.pool, () -> this.watcher, ttl, renew, () -> true);
		this.leaders.add(leader);
		leader.start();
		return leader;
	}

	private long jobs(String queue) {
		return this.jdbc.queryForObject("SELECT count(*) FROM _honker_live WHERE queue = ?", Long.class, queue);
	}

	private long nextFireAt(String name) {
		return this.jdbc.queryForObject("SELECT next_fire_at FROM _honker_scheduler_tasks WHERE name = ?", Long.class,
				name);
	}

}
