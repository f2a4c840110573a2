package dev.honker.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.listener.AckMode;
import dev.honker.spring.listener.HonkerJob;
import dev.honker.spring.listener.HonkerListener;
import dev.honker.spring.listener.HonkerListenerAnnotationBeanPostProcessor;
import dev.honker.spring.listener.HonkerListenerContainerFactory;
import dev.honker.spring.listener.HonkerListenerEndpointRegistry;
import dev.honker.spring.listener.ListenerDefaults;
import dev.honker.spring.listener.RetryBackoff;
import dev.honker.spring.scheduler.HonkerSchedules;
import dev.honker.spring.watch.DatabaseWatcher;
import dev.honker.spring.watch.SqliteDatabaseWatcher;
import dev.honker.spring.watch.WatcherMode;
import dev.honker.spring.watch.WalCheckpointOptions;
import dev.honker.spring.watch.WatcherOptions;

/**
 * Conditions and properties of {@link HonkerListenerAutoConfiguration}, on real SQLite
 * files and Boot's HikariCP pool.
 */
class HonkerListenerAutoConfigurationTests {

	@TempDir
	Path directory;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
				JacksonAutoConfiguration.class, PropertyPlaceholderAutoConfiguration.class,
				HonkerAutoConfiguration.class, HonkerListenerAutoConfiguration.class));

	private ApplicationContextRunner sqlite() {
		return this.runner.withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.directory.resolve("app.db"),
				"honker.sqlite.journal-mode=WAL");
	}

	@Test
	void listenerInfrastructureOnASqliteDataSource() {
		sqlite().run(context -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(HonkerListenerEndpointRegistry.class)
				.hasSingleBean(HonkerListenerAnnotationBeanPostProcessor.class)
				.hasSingleBean(HonkerListenerContainerFactory.class)
				.hasSingleBean(DatabaseWatcher.class);
			assertThat(context.getBean(DatabaseWatcher.class)).isInstanceOf(SqliteDatabaseWatcher.class);
			SqliteDatabaseWatcher watcher = (SqliteDatabaseWatcher) context.getBean(DatabaseWatcher.class);
			assertThat(watcher.file()).isEqualTo(this.directory.resolve("app.db").toAbsolutePath());
			assertThat(watcher.options()).isEqualTo(WatcherOptions.DEFAULTS);
		});
	}

	@Test
	void backsOffWithoutADataSource() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, HonkerAutoConfiguration.class,
					HonkerListenerAutoConfiguration.class))
			.run(context -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(HonkerListenerEndpointRegistry.class)
				.doesNotHaveBean(DatabaseWatcher.class));
	}

	@Test
	void backsOffWhenTheDataSourceUrlIsNotSqlite() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, HonkerAutoConfiguration.class,
					HonkerListenerAutoConfiguration.class))
			.withBean(DataSource.class,
					() -> new DriverManagerDataSource("jdbc:sqlite:" + this.directory.resolve("x.db")))
			.withPropertyValues("spring.datasource.url=jdbc:mysql://localhost/app")
			.run(context -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(HonkerListenerEndpointRegistry.class)
				.doesNotHaveBean(DatabaseWatcher.class));
	}

	@Test
	void everyHonkerAutoConfigurationBacksOffWithTwoDataSourcesAndNoPrimary() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, HonkerAutoConfiguration.class,
					HonkerListenerAutoConfiguration.class, HonkerSchedulerAutoConfiguration.class))
			.withBean("orders", DataSource.class,
					() -> new DriverManagerDataSource("jdbc:sqlite:" + this.directory.resolve("orders.db")))
			.withBean("audit", DataSource.class,
					() -> new DriverManagerDataSource("jdbc:sqlite:" + this.directory.resolve("audit.db")))
			.run(context -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(HonkerTemplate.class)
				.doesNotHaveBean(HonkerListenerEndpointRegistry.class)
				.doesNotHaveBean(DatabaseWatcher.class)
				.doesNotHaveBean(HonkerSchedules.class));
	}

	@Test
	void theSchedulerBacksOffWhenHonkerIsDisabled() {
		sqlite().withConfiguration(AutoConfigurations.of(HonkerSchedulerAutoConfiguration.class))
			.withPropertyValues("honker.enabled=false")
			.run(context -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(HonkerSchedules.class)
				.doesNotHaveBean(HonkerTemplate.class));
	}

	@Test
	void backsOffWhenHonkerIsDisabled() {
		sqlite().withPropertyValues("honker.enabled=false")
			.run(context -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(HonkerListenerEndpointRegistry.class)
				.doesNotHaveBean(DatabaseWatcher.class));
	}

	@Test
	void propertiesBecomeWatcherOptionsAndListenerDefaults() {
		sqlite()
			.withPropertyValues("honker.watcher.mode=poll", "honker.watcher.poll-interval=5ms",
					"honker.watcher.safety-poll-interval=80ms", "honker.watcher.identity-check-interval=1s",
					"honker.listener.concurrency=3", "honker.listener.auto-startup=false",
					"honker.listener.visibility-timeout=45s", "honker.listener.idle-poll-interval=2s",
					"honker.listener.shutdown-timeout=7s", "honker.listener.ack-mode=transactional",
					"honker.listener.non-retryable-exceptions=java.lang.IllegalArgumentException",
					"honker.listener.backoff.initial-interval=2s", "honker.listener.backoff.multiplier=3",
					"honker.listener.backoff.max-interval=1m", "honker.listener.backoff.jitter=0.25")
			.run(context -> {
				assertThat(((SqliteDatabaseWatcher) context.getBean(DatabaseWatcher.class)).options())
					.isEqualTo(new WatcherOptions(WatcherMode.POLL, Duration.ofMillis(5), Duration.ofMillis(80),
							Duration.ofSeconds(1), WalCheckpointOptions.DEFAULTS));
				assertThat(context.getBean(HonkerListenerContainerFactory.class).getDefaults())
					.isEqualTo(new ListenerDefaults(3, false, Duration.ofSeconds(45), Duration.ofSeconds(2),
							Duration.ofSeconds(7), AckMode.TRANSACTIONAL,
							new RetryBackoff(Duration.ofSeconds(2), 3.0, Duration.ofMinutes(1), 0.25),
							List.of(IllegalArgumentException.class)));
			});
	}

	@Test
	void backgroundCheckpointIsOnByDefaultSizedByThePoolsWalAutocheckpointAndCanBeTurnedOff() {
		sqlite().withPropertyValues("spring.datasource.hikari.connection-init-sql=PRAGMA wal_autocheckpoint=400")
			.run(context -> assertThat(
					((SqliteDatabaseWatcher) context.getBean(DatabaseWatcher.class)).options().checkpoints())
				.isEqualTo(new WalCheckpointOptions(true, 400)));
		sqlite().withPropertyValues("honker.watcher.background-checkpoint=false")
			.run(context -> assertThat(
					((SqliteDatabaseWatcher) context.getBean(DatabaseWatcher.class)).options().checkpoints())
				.isEqualTo(new WalCheckpointOptions(false, 1_000)));
	}

	@Test
	void badWatcherPropertyIsNamedInTheError() {
		sqlite().withPropertyValues("honker.watcher.safety-poll-interval=0ms")
			.run(context -> assertThatThrownBy(() -> context.getBean(DatabaseWatcher.class)).hasStackTraceContaining(
					"IllegalArgumentException: honker.watcher.safety-poll-interval must be positive, got PT0S"));
	}

	@Test
	void backsOffForAUserWatcherBean() {
		DatabaseWatcher own = new SqliteDatabaseWatcher(this.directory.resolve("app.db"), WatcherOptions.DEFAULTS);
		sqlite().withBean(DatabaseWatcher.class, () -> own)
			.run(context -> assertThat(context.getBean(DatabaseWatcher.class)).isSameAs(own));
	}

	@Test
	void jobEnqueuedInATransactionByHonkerTemplateReachesTheListenerAfterCommit() {
		sqlite().withBean(Greetings.class).run(context -> {
			Greetings listener = context.getBean(Greetings.class);
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			TransactionTemplate transaction = new TransactionTemplate(
					context.getBean(PlatformTransactionManager.class));
			transaction.executeWithoutResult(status -> {
				honker.enqueue("greetings", new Greeting("rolled back"));
				status.setRollbackOnly();
			});
			transaction.executeWithoutResult(status -> honker.enqueue("greetings", new Greeting("hello")));
			await().atMost(Duration.ofSeconds(30)).until(() -> listener.received.size() == 1);
			assertThat(listener.received).containsExactly(new Greeting("hello"));
			await().atMost(Duration.ofSeconds(30))
				.until(() -> context.getBean(JdbcTemplate.class)
					.queryForObject("SELECT count(*) FROM _honker_live", Long.class) == 0);
		});
	}

	@Test
	void failureAnalysisGivesTheActionOfEachKindOfListenerError() {
		assertListenerFailure(TwoPayloads.class, "TwoPayloads.handle(String, Map)", "put several values in one record");
		assertListenerFailure(DuplicateIds.class, "duplicate listener id 'same'", "Give each listener its own id");
		assertListenerFailure(BadConcurrency.class, "concurrency = 'many' is invalid",
				"Set concurrency to a whole number of at least 1");
		assertListenerFailure(MissingPlaceholder.class, "cannot be resolved", "Define the property");
	}

	private void assertListenerFailure(Class<?> listener, String description, String action) {
		sqlite().withBean(listener).run(context -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new HonkerListenerFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
			assertThat(analysis.getDescription()).contains(description);
			assertThat(analysis.getAction()).contains(action);
		});
	}

	static class TwoPayloads {

		@HonkerListener(queue = "q")
		void handle(String text, java.util.Map<String, Object> map) {
		}

	}

	static class DuplicateIds {

		@HonkerListener(queue = "q1", id = "same")
		void first() {
		}

		@HonkerListener(queue = "q2", id = "same")
		void second() {
		}

	}

	static class BadConcurrency {

		@HonkerListener(queue = "q", concurrency = "many")
		void handle() {
		}

	}

	static class MissingPlaceholder {

		@HonkerListener(queue = "${app.no-such-queue}")
		void handle() {
		}

	}

	/** The payload of the end-to-end test. */
	record Greeting(String text) {
	}

	static class Greetings {

		final List<Greeting> received = new CopyOnWriteArrayList<>();

		@HonkerListener(queue = "greetings")
		void greet(Greeting greeting, HonkerJob job) {
			this.received.add(greeting);
		}

	}

}
