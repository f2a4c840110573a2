package dev.honker.spring.boot.autoconfigure.jpa;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.honker.spring.boot.autoconfigure.TestDatabase;
import dev.honker.spring.boot.autoconfigure.WriteStorm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A Spring Data JPA repository save and a Honker enqueue commit and roll back together
 * under {@link JpaTransactionManager}, whether the job is enqueued with
 * {@code HonkerTemplate} or with a native {@code SELECT honker_enqueue(...)} query, also
 * under concurrent load, on SQLite and on PostgreSQL.
 */
class HonkerJpaTests {

	private static final String ORPHAN_JOBS = """
			SELECT count(*) FROM _honker_live j
			 WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = %s)""";

	private static final String ORDERS_WITHOUT_JOB = """
			SELECT count(*) FROM orders o
			 WHERE (SELECT count(*) FROM _honker_live j WHERE %s = o.id) <> 1""";

	@TempDir
	Path directory;

	private String url() {
		return "jdbc:sqlite:" + this.directory.resolve("shop.db");
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void usesJpaTransactionManager(TestDatabase database) {
		JpaTestApplication.runner(database, this.directory).run(context -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(PlatformTransactionManager.class)).isInstanceOf(JpaTransactionManager.class);
		});
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void templateEnqueueCommitsAndRollsBackWithTheRepositorySave(TestDatabase database) {
		JpaTestApplication.runner(database, this.directory).run(context -> {
			OrderService service = context.getBean(OrderService.class);
			long kept = service.placeOrder("book", false);
			assertThatIllegalStateException().isThrownBy(() -> service.placeOrder("lamp", true));

			assertThat(jdbc(context).queryForList("SELECT item FROM orders", String.class)).containsExactly("book");
			assertThat(jdbc(context).queryForList("SELECT payload FROM _honker_live", String.class))
				.containsExactly("{\"orderId\":" + kept + "}");
		});
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void nativeQueryEnqueueCommitsAndRollsBackWithTheRepositorySave(TestDatabase database) {
		JpaTestApplication.runner(database, this.directory).run(context -> {
			OrderService service = context.getBean(OrderService.class);
			long kept = service.placeOrderWithNativeQuery("pen", false);
			assertThatIllegalStateException().isThrownBy(() -> service.placeOrderWithNativeQuery("ink", true));

			assertThat(jdbc(context).queryForList("SELECT item FROM orders", String.class)).containsExactly("pen");
			assertThat(jdbc(context).queryForList("SELECT payload FROM _honker_live", String.class))
				.containsExactly("{\"orderId\":" + kept + "}");
		});
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void concurrentTransactionsLeaveNoOrphans(TestDatabase database) {
		JpaTestApplication.runner(database, this.directory).run(context -> {
			OrderService service = context.getBean(OrderService.class);
			int calls = 2_000;
			ExecutorService threads = Executors.newFixedThreadPool(4);
			List<Future<Boolean>> outcomes = new ArrayList<>();
			for (int i = 0; i < calls; i++) {
				int call = i;
				boolean fail = call % 4 == 3;
				outcomes.add(threads.submit(() -> {
					try {
						if (call % 2 == 0) {
							service.placeOrder("item-" + call, fail);
						}
						else {
							service.placeOrderWithNativeQuery("item-" + call, fail);
						}
						return true;
					}
					catch (IllegalStateException expected) {
						return false;
					}
				}));
			}
			threads.shutdown();
			assertThat(threads.awaitTermination(5, TimeUnit.MINUTES)).isTrue();
			long committed = 0;
			for (Future<Boolean> outcome : outcomes) {
				committed += outcome.get() ? 1 : 0;
			}
			assertThat(committed).isEqualTo(1_500);

			JdbcTemplate jdbc = jdbc(context);
			assertThat(jdbc.queryForObject("SELECT count(*) FROM orders", Long.class)).isEqualTo(1_500);
			assertThat(jdbc.queryForObject("SELECT count(*) FROM _honker_live", Long.class)).isEqualTo(1_500);
			assertThat(jdbc.queryForObject(ORPHAN_JOBS.formatted(database.orderIdOf("j.payload")), Long.class))
				.isZero();
			assertThat(jdbc.queryForObject(ORDERS_WITHOUT_JOB.formatted(database.orderIdOf("j.payload")), Long.class))
				.isZero();
			assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE CAST(substr(item, 6) AS INTEGER) % 4 = 3",
					Long.class))
				.as("no order of a failed call")
				.isZero();
		});
	}

	@Test
	void underWriteContentionEveryReportedFailureLeftNothingAndEverySuccessCommitted() {
		JpaTestApplication.runner(url())
			.withPropertyValues("spring.datasource.hikari.data-source-properties.busy_timeout=10")
			.run(context -> {
				OrderService service = context.getBean(OrderService.class);
				long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
				WriteStorm.Report report;
				try (AutoCloseable contention = WriteStorm.holdWriteLockRepeatedly(url(), Duration.ofMillis(20))) {
					report = WriteStorm.run(4, () -> System.nanoTime() - end < 0,
							item -> service.placeOrder(item, false));
				}
				WriteStorm.Verdict verdict = report.check(jdbc(context), "orders");

				assertThat(verdict.consistent()).as("%s: %s", report, verdict).isTrue();
				assertThat(report.failed()).as("calls that met a busy database").isNotEmpty();
				assertThat(report.errorsByType()).as("the one exception of a busy database")
					.containsOnlyKeys("CannotCreateTransactionException");
				assertThat(report.succeeded()).isNotEmpty();
			});
	}

	private static JdbcTemplate jdbc(AssertableApplicationContext context) {
		return new JdbcTemplate(context.getBean(DataSource.class));
	}

}
