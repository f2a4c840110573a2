package dev.honker.spring.actuate;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;

import dev.honker.spring.boot.autoconfigure.HonkerActuatorAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.HonkerAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.HonkerListenerAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.HonkerStatsSamplerAutoConfiguration;
import dev.honker.spring.core.HonkerStatsSampler;
import dev.honker.spring.listener.HonkerListener;
import dev.honker.spring.listener.HonkerTestPool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code honker} health indicator of an auto-configured worker on a real SQLite file:
 * UP, then DOWN with the reason when the file is replaced under the running listener, a
 * handler ends with an {@link OutOfMemoryError}, or a threshold is crossed.
 */
class HonkerHealthIndicatorTests {

	private static final Duration LONG = Duration.ofSeconds(30);

	@TempDir
	Path dir;

	private HikariDataSource pool;

	@BeforeEach
	void open() {
		this.pool = HonkerTestPool.pool(this.dir.resolve("app.db"));
	}

	@AfterEach
	void close() {
		this.pool.close();
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(HonkerAutoConfiguration.class,
					HonkerListenerAutoConfiguration.class, HonkerStatsSamplerAutoConfiguration.class,
					HonkerActuatorAutoConfiguration.class, HealthContributorAutoConfiguration.class,
					JacksonAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class))
			.withBean(DataSource.class, () -> new DelegatingDataSource(this.pool))
			.withPropertyValues("honker.stats.sample-interval=100ms");
	}

	@Test
	void isUpWithQueueFiguresAndDownWhenTheFileIsReplacedUnderARunningListener() {
		runner().withBean(Worker.class).run(context -> {
			HonkerHealthIndicator health = context.getBean(HonkerHealthIndicator.class);
			await().atMost(LONG).until(() -> health.health(true).getDetails().containsKey("queues"));
			Health up = health.health(true);
			assertThat(up.getStatus()).isEqualTo(Status.UP);
			assertThat(up.getDetails()).containsEntry("watcher", "ok")
				.containsEntry("writable", true)
				.containsEntry("database", this.dir.resolve("app.db").toRealPath().toString());
			HonkerTestPool.replaceDatabaseFile(this.dir.resolve("app.db"));
			await().atMost(LONG).until(() -> health.health(true).getStatus().equals(Status.DOWN));
			Health down = health.health(true);
			assertThat(down.getDetails()).containsEntry("watcher", "failed");
			assertThat(reasons(down)).anyMatch(reason -> reason.startsWith("the commit watcher stopped: ")
					&& reason.contains("database file replaced"));
			assertThat(reasons(down))
				.anyMatch(reason -> reason.startsWith("listener 'health-worker' stopped claiming: "));
		});
	}

	@Test
	void isDownWithTheReasonWhenAHandlerEndedWithAVirtualMachineError() {
		runner().withBean(OutOfMemoryWorker.class).run(context -> {
			HonkerHealthIndicator health = context.getBean(HonkerHealthIndicator.class);
			JdbcTemplate jdbc = new JdbcTemplate(this.pool);
			await().atMost(LONG).until(() -> health.health(true).getDetails().containsKey("queues"));
			assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
			jdbc.update("INSERT INTO _honker_live (queue, payload, max_attempts) VALUES ('big', '\"huge\"', 1)");
			await().atMost(LONG).until(() -> health.health(true).getStatus().equals(Status.DOWN));
			assertThat(reasons(health.health(true))).singleElement()
				.isEqualTo("listener 'oom-worker': a handler ended with java.lang.OutOfMemoryError: simulated for huge;"
						+ " the JVM may be damaged, restart the application");
			assertThat(jdbc.queryForObject("SELECT count(*) FROM _honker_dead WHERE queue = 'big'", Long.class))
				.isEqualTo(1);
		});
	}

	@Test
	void isDownWhenTheOldestClaimableJobWaitedTooLong() {
		runner().withPropertyValues("honker.health.max-oldest-pending-age=60s").run(context -> {
			HonkerHealthIndicator health = context.getBean(HonkerHealthIndicator.class);
			JdbcTemplate jdbc = new JdbcTemplate(this.pool);
			jdbc.update("INSERT INTO _honker_live (queue, payload, run_at) VALUES ('late', '{}', unixepoch() - 30)");
			await().atMost(LONG).until(() -> health.health(true).getDetails().containsKey("queues"));
			assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
			jdbc.update("INSERT INTO _honker_live (queue, payload, run_at) VALUES ('late', '{}', unixepoch() - 300)");
			await().atMost(LONG).until(() -> health.health(true).getStatus().equals(Status.DOWN));
			assertThat(reasons(health.health(true))).singleElement()
				.asString()
				.matches("queue 'late': the oldest claimable job has waited 30\\ds, more than the threshold of 60s");
		});
	}

	@Test
	void isDownWhenTheDeadCountGrowsTooFast() {
		runner().withPropertyValues("honker.health.max-dead-growth=2", "honker.health.dead-growth-window=1h")
			.run(context -> {
				HonkerHealthIndicator health = context.getBean(HonkerHealthIndicator.class);
				HonkerStatsSampler sampler = context.getBean(HonkerStatsSampler.class);
				JdbcTemplate jdbc = new JdbcTemplate(this.pool);
				await().atMost(LONG).until(() -> sampler.latest() != null);
				for (int id = 1; id <= 2; id++) {
					dead(jdbc, id);
				}
				await().atMost(LONG).until(() -> sampler.deadGrowth(Duration.ofHours(1)).getOrDefault("mail", 0L) == 2);
				assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
				dead(jdbc, 3);
				await().atMost(LONG).until(() -> health.health(true).getStatus().equals(Status.DOWN));
				assertThat(reasons(health.health(true)))
					.containsExactly("queue 'mail': 3 jobs died within the last 3600s, more than the threshold of 2");
			});
	}

	@Test
	void canBeSwitchedOff() {
		runner().withPropertyValues("management.health.honker.enabled=false")
			.run(context -> assertThat(context).doesNotHaveBean(HonkerHealthIndicator.class)
				.hasSingleBean(HonkerStatsSampler.class));
	}

	private static void dead(JdbcTemplate jdbc, long id) {
		jdbc.update("INSERT INTO _honker_dead (id, queue, payload, last_error) VALUES (?, 'mail', '{}', 'boom')", id);
	}

	@SuppressWarnings("unchecked")
	private static List<String> reasons(Health health) {
		return (List<String>) health.getDetails().get("reasons");
	}

	static class OutOfMemoryWorker {

		@HonkerListener(id = "oom-worker", queue = "big")
		void handle(String payload) {
			throw new OutOfMemoryError("simulated for " + payload);
		}

	}

	static class Worker {

		@HonkerListener(id = "health-worker", queue = "work")
		void handle(String payload) {
		}

	}

}
