package dev.honker.spring.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionTimedOutException;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link HonkerTemplate} reuses a statement per physical connection: several threads
 * sharing a small pool each get their own job back, connections the pool evicts are
 * replaced without errors, and a transaction's timeout still applies to every call.
 */
class HonkerTemplateStatementReuseTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return TemplateContexts.runner(this.directory.resolve("app.db"))
			.withPropertyValues("spring.datasource.hikari.maximum-pool-size=2",
					"spring.datasource.hikari.data-source-properties.transaction_mode=IMMEDIATE",
					"honker.sqlite.busy-timeout=30s");
	}

	record Note(String thread, int n) {
	}

	@Test
	void threadsSharingTwoPooledConnectionsEachGetTheirOwnJobsCommittedOrRolledBack() {
		runner().run(context -> {
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			TransactionTemplate transactions = new TransactionTemplate(
					context.getBean(PlatformTransactionManager.class));
			Map<Long, String> committedJobs = new ConcurrentHashMap<>();
			Map<Long, String> committedNotifications = new ConcurrentHashMap<>();
			ExecutorService threads = Executors.newFixedThreadPool(4);
			List<Future<?>> done = new ArrayList<>();
			for (int thread = 0; thread < 4; thread++) {
				String name = "t" + thread;
				done.add(threads.submit(() -> {
					for (int n = 0; n < 160; n++) {
						Note note = new Note(name, n);
						String payload = "{\"thread\":\"" + name + "\",\"n\":" + n + "}";
						Map<Long, String> jobs = new HashMap<>();
						Map<Long, String> notifications = new HashMap<>();
						boolean fail = n % 4 == 3;
						try {
							transactions.executeWithoutResult(status -> {
								jobs.put(honker.enqueueJson("q", payload), payload);
								notifications.put(honker.notify("c", note), payload);
								if (fail) {
									throw new IllegalStateException("rolled back");
								}
							});
							committedJobs.putAll(jobs);
							committedNotifications.putAll(notifications);
						}
						catch (IllegalStateException expected) {
							assertThat(fail).isTrue();
						}
					}
					return null;
				}));
			}
			threads.shutdown();
			assertThat(threads.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
			for (Future<?> thread : done) {
				thread.get();
			}
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			Map<Long, String> jobs = new HashMap<>();
			jdbc.query("SELECT id, payload FROM _honker_live", row -> {
				jobs.put(row.getLong(1), row.getString(2));
			});
			Map<Long, String> notifications = new HashMap<>();
			jdbc.query("SELECT id, payload FROM _honker_notifications", row -> {
				notifications.put(row.getLong(1), row.getString(2));
			});
			assertThat(committedJobs.size()).isEqualTo(4 * 160 * 3 / 4);
			assertThat(jobs).isEqualTo(committedJobs);
			assertThat(notifications).isEqualTo(committedNotifications);
		});
	}

	@Test
	void connectionsThePoolEvictsAreReplacedWithoutErrors() {
		runner().run(context -> {
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			TransactionTemplate transactions = new TransactionTemplate(
					context.getBean(PlatformTransactionManager.class));
			long before = honker.enqueue("q", "before");
			long inTransaction = transactions.execute(status -> honker.enqueue("q", "in a transaction"));
			pool.getHikariPoolMXBean().softEvictConnections();
			long after = honker.enqueue("q", "after");
			long afterInTransaction = transactions.execute(status -> honker.enqueue("q", "after, in a transaction"));
			assertThat(new JdbcTemplate(pool).queryForList("SELECT id FROM _honker_live ORDER BY id", Long.class))
				.containsExactly(before, inTransaction, after, afterInTransaction);
		});
	}

	@Test
	void aCallAfterTheTransactionDeadlineFailsAndRollsBack() {
		runner().run(context -> {
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			TransactionTemplate timed = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			timed.setTimeout(1);
			DataSource dataSource = context.getBean(DataSource.class);
			assertThatExceptionOfType(TransactionTimedOutException.class)
				.isThrownBy(() -> timed.executeWithoutResult(status -> {
					honker.enqueue("q", "in time");
					ConnectionHolder transaction = (ConnectionHolder) TransactionSynchronizationManager
						.getResource(dataSource);
					await().atMost(Duration.ofSeconds(30))
						.until(() -> System.currentTimeMillis() >= transaction.getDeadline().getTime());
					honker.enqueue("q", "too late");
				}));
			long untimed = honker.enqueue("q", "untimed");
			assertThat(new JdbcTemplate(dataSource).queryForList("SELECT id FROM _honker_live", Long.class))
				.containsExactly(untimed);
		});
	}

}
