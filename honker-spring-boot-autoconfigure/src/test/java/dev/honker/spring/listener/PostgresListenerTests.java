package dev.honker.spring.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import dev.honker.postgres.PostgresTestServer;
import dev.honker.spring.boot.autoconfigure.HonkerAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.HonkerListenerAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.HonkerPubSubAutoConfiguration;
import dev.honker.spring.core.HonkerDeadLetters;
import dev.honker.spring.core.HonkerStats;
import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.core.JobOptions;
import dev.honker.spring.core.LiveJob;
import dev.honker.spring.core.LiveJobState;
import dev.honker.spring.core.QueueStats;
import dev.honker.spring.notification.HonkerNotificationListener;
import dev.honker.spring.stream.HonkerStreamListener;
import dev.honker.spring.watch.DatabaseWatcher;
import dev.honker.spring.watch.PostgresDatabaseWatcher;

/**
 * {@code @HonkerListener} methods on PostgreSQL, configured only by
 * {@code spring.datasource.url=jdbc:postgresql:...}: the schema is bootstrapped, pooled
 * connections find the functions unqualified, jobs enqueued in a transaction reach the
 * listener in each acknowledgement mode when the transaction commits (woken by
 * {@code LISTEN}, since the idle poll is an hour) and never when it rolls back, and so do
 * requeued dead jobs; and so do notifications and stream events.
 */
class PostgresListenerTests {

	private static final Duration LONG = Duration.ofSeconds(30);

	private String url;

	@BeforeEach
	void createDatabase() {
		this.url = PostgresTestServer.get().createDatabase();
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class, JacksonAutoConfiguration.class,
					PropertyPlaceholderAutoConfiguration.class, HonkerAutoConfiguration.class,
					HonkerListenerAutoConfiguration.class, HonkerPubSubAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + this.url, "honker.listener.idle-poll-interval=1h",
					"honker.listener.shutdown-timeout=20s");
	}

	@Test
	void theUrlIsTheOnlySettingAndApplicationSqlCallsTheFunctionsUnqualified() {
		runner().run(context -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(DatabaseWatcher.class)).isInstanceOf(PostgresDatabaseWatcher.class);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			assertThat(jdbc.queryForObject("SHOW search_path", String.class)).endsWith(", honker")
				.startsWith("\"$user\", public");
			assertThat(jdbc.queryForObject("SELECT honker_enqueue('plain', '{}', NULL, NULL, 0, 3, NULL)", Long.class))
				.isPositive();
			assertThat(jdbc.queryForObject("SELECT count(*) FROM _honker_live WHERE queue = 'plain'", Long.class))
				.isOne();
		});
	}

	@ParameterizedTest
	@EnumSource(AckMode.class)
	void eachAckModeRunsCommittedJobsAndNeverRolledBackOnes(AckMode ackMode) {
		runner().withBean(Recording.class).withPropertyValues("honker.listener.ack-mode=" + ackMode).run(context -> {
			assertThat(context).hasNotFailed();
			deliversCommittedJobsOnly(context.getBean(HonkerTemplate.class), context.getBean(TransactionTemplate.class),
					context.getBean(Recording.class), context.getBean(JdbcTemplate.class));
		});
	}

	@Test
	void aFailingHandlerIsRetriedThenDeadLettered() {
		runner().withBean(Failing.class)
			.withPropertyValues("honker.listener.backoff.initial-interval=1s",
					"honker.listener.backoff.max-interval=1s", "honker.listener.idle-poll-interval=200ms")
			.run(context -> {
				assertThat(context).hasNotFailed();
				long id = context.getBean(HonkerTemplate.class).enqueue("failing", "boom");
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				await().atMost(LONG)
					.until(() -> jdbc.queryForObject("SELECT count(*) FROM _honker_dead WHERE id = ?", Long.class,
							id) == 1);
				assertThat(context.getBean(Failing.class).attempts).hasSize(3);
				assertThat(jdbc.queryForObject("SELECT last_error FROM _honker_dead WHERE id = ?", String.class, id))
					.contains("always fails");
			});
	}

	@Test
	void requeuedDeadJobsWakeTheListenerLongBeforeItsIdlePoll() {
		runner().withBean(Recording.class).run(context -> {
			assertThat(context).hasNotFailed();
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			HonkerDeadLetters deadLetters = context.getBean(HonkerDeadLetters.class);
			Recording listener = context.getBean(Recording.class);
			for (long id = 1_000_001; id <= 1_000_003; id++) {
				jdbc.update(
						"INSERT INTO _honker_dead (id, queue, payload, priority, run_at, max_attempts, attempts,"
								+ " last_error, created_at) VALUES (?, 'pg-jobs', 'dead', 0, 0, 3, 3, 'failed', 0)",
						id);
			}
			// the listener's idle poll is an hour: only the requeue's own wake can bring
			// these
			assertThat(deadLetters.requeue(1_000_001)).isEqualTo(HonkerDeadLetters.Result.DONE);
			await().atMost(LONG).until(() -> listener.jobs.size() == 1);
			assertThat(deadLetters.requeueAll("pg-jobs")).isEqualTo(2);
			await().atMost(LONG).until(() -> listener.jobs.size() == 3);
			assertThat(listener.jobs).containsExactlyInAnyOrder(1_000_001L, 1_000_002L, 1_000_003L);
		});
	}

	@Test
	void notificationAndStreamListenersReceiveWhatCommits() {
		runner().withBean(PubSub.class).run(context -> {
			assertThat(context).hasNotFailed();
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			TransactionTemplate transaction = context.getBean(TransactionTemplate.class);
			PubSub listener = context.getBean(PubSub.class);
			transaction.executeWithoutResult(status -> {
				honker.notify("pg-channel", "rolled back");
				honker.publish("pg-topic", null, "rolled back");
				status.setRollbackOnly();
			});
			transaction.executeWithoutResult(status -> {
				honker.notify("pg-channel", "hello");
				honker.publish("pg-topic", "k", "first");
				honker.publish("pg-topic", "k", "second");
			});
			await().atMost(LONG).until(() -> listener.notifications.size() == 1 && listener.events.size() == 2);
			assertThat(listener.notifications).containsExactly("hello");
			assertThat(listener.events).containsExactly("first", "second");
			await().atMost(LONG).until(() -> honker.offset("pg-consumer", "pg-topic") == honker.lastOffset("pg-topic"));
		});
	}

	@Test
	void statisticsReadTheQueues() {
		runner().run(context -> {
			assertThat(context).hasNotFailed();
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			long first = honker.enqueue("stats", "a");
			long second = honker.enqueue("stats", "b");
			honker.enqueue("stats", "later", JobOptions.defaults().withDelay(Duration.ofHours(1)));
			HonkerStats stats = context.getBean(HonkerStats.class);
			QueueStats queue = stats.queue("stats");
			assertThat(queue.claimableNow()).isEqualTo(2);
			assertThat(queue.delayed()).isEqualTo(1);
			assertThat(stats.queues()).extracting(QueueStats::queue).containsExactly("stats");
			assertThat(stats.liveJobs("stats", LiveJobState.PENDING, null, 2).jobs()).extracting(LiveJob::id)
				.containsExactly(first, second);
			assertThat(stats.counters().live()).isEqualTo(3);
			assertThat(stats.counters().enqueued()).isGreaterThanOrEqualTo(3);
			assertThat(stats.workers()).isEmpty();
			assertThat(stats.job(first)).isPresent();
		});
	}

	private static void deliversCommittedJobsOnly(HonkerTemplate honker, TransactionTemplate transaction,
			Recording listener, JdbcTemplate jdbc) {
		Long rolledBack = transaction.execute(status -> {
			long id = honker.enqueue("pg-jobs", "rolled back");
			status.setRollbackOnly();
			return id;
		});
		Long committed = transaction.execute(status -> honker.enqueue("pg-jobs", "committed"));
		await().atMost(LONG).until(() -> listener.jobs.size() == 1);
		assertThat(listener.jobs).containsExactly(committed);
		assertThat(listener.payloads).containsExactly("committed");
		await().atMost(LONG).until(() -> jdbc.queryForObject("SELECT count(*) FROM _honker_live", Long.class) == 0);
		assertThat(jdbc.queryForObject("SELECT count(*) FROM _honker_dead", Long.class)).isZero();
		assertThat(rolledBack).isNotEqualTo(committed);
		assertThat(listener.jobs).doesNotContain(rolledBack);
	}

	static class Recording {

		final List<Long> jobs = new CopyOnWriteArrayList<>();

		final List<String> payloads = new CopyOnWriteArrayList<>();

		@HonkerListener(queue = "pg-jobs")
		void handle(String payload, HonkerJob job) {
			this.payloads.add(payload);
			this.jobs.add(job.id());
		}

	}

	static class PubSub {

		final List<String> notifications = new CopyOnWriteArrayList<>();

		final List<String> events = new CopyOnWriteArrayList<>();

		@HonkerNotificationListener(channel = "pg-channel")
		void onNotification(String payload) {
			this.notifications.add(payload);
		}

		@HonkerStreamListener(topic = "pg-topic", consumer = "pg-consumer")
		void onEvent(String payload) {
			this.events.add(payload);
		}

	}

	static class Failing {

		final List<Long> attempts = new CopyOnWriteArrayList<>();

		@HonkerListener(queue = "failing")
		void handle(String payload, HonkerJob job) {
			this.attempts.add(job.attempts());
			throw new IllegalStateException("always fails");
		}

	}

}
