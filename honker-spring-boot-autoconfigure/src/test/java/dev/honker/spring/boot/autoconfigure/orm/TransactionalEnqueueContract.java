package dev.honker.spring.boot.autoconfigure.orm;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import dev.honker.spring.boot.autoconfigure.HonkerAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.TestDatabase;
import dev.honker.spring.boot.autoconfigure.WriteStorm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The promise every data-access technology must keep: an {@code INSERT INTO orders} and a
 * {@code SELECT honker_enqueue(...)} in one {@code @Transactional} method commit together
 * or not at all, and a failed Honker call caught inside the transaction leaves the
 * earlier writes in it (on SQLite; on PostgreSQL it aborts the whole transaction). Each
 * subclass runs the same tests on a Boot context with its technology's
 * {@link OrderService}, on SQLite and on PostgreSQL.
 */
abstract class TransactionalEnqueueContract {

	private static final String ORPHAN_JOBS = """
			SELECT count(*) FROM _honker_live j
			 WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = %s)""";

	private static final String ORDERS_WITHOUT_ONE_JOB = """
			SELECT count(*) FROM orders o
			 WHERE (SELECT count(*) FROM _honker_live j WHERE %s = o.id) <> 1""";

	@TempDir
	Path directory;

	/**
	 * Adds the technology's auto-configurations and a user configuration with its
	 * {@link OrderService}.
	 * @param runner a runner with a Hikari SQLite DataSource, its transaction manager and
	 * Honker
	 * @return the runner for this technology
	 */
	abstract ApplicationContextRunner withTechnology(ApplicationContextRunner runner);

	/**
	 * The exception type the technology throws for a failed {@code honker_enqueue} call.
	 * @return the type
	 */
	abstract Class<? extends RuntimeException> enqueueErrorType();

	/**
	 * Runs a test on a started context whose database has an empty {@code orders} table.
	 */
	void run(TestDatabase database, ContextConsumer<AssertableApplicationContext> test) {
		run(database, "30000", test);
	}

	/**
	 * Runs a test as {@link #run(TestDatabase, ContextConsumer)} does, with another busy
	 * timeout.
	 */
	void run(TestDatabase database, String busyTimeoutMillis, ContextConsumer<AssertableApplicationContext> test) {
		withTechnology(new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
					HonkerAutoConfiguration.class))
			.withPropertyValues(database.properties(this.directory, busyTimeoutMillis))).run(context -> {
				assertThat(context).hasNotFailed();
				jdbc(context).execute("CREATE TABLE orders (id " + database.integerKey() + ", item TEXT NOT NULL)");
				test.accept(context);
			});
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void commitKeepsTheOrderAndItsJob(TestDatabase database) {
		run(database, context -> {
			long id = service(context).placeOrder("book", false);

			assertThat(jdbc(context).queryForList("SELECT item FROM orders", String.class)).containsExactly("book");
			assertThat(jobsWithPayload(context, OrderService.payload(id))).isOne();
		});
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void exceptionAfterBothWritesKeepsNeither(TestDatabase database) {
		run(database, context -> {
			long kept = service(context).placeOrder("book", false);
			assertThatIllegalStateException().isThrownBy(() -> service(context).placeOrder("lamp", true))
				.withMessage("payment declined");

			assertThat(jdbc(context).queryForList("SELECT item FROM orders", String.class)).containsExactly("book");
			assertThat(jdbc(context).queryForList("SELECT payload FROM _honker_live", String.class))
				.containsExactly(OrderService.payload(kept));
		});
	}

	@Test
	void failedEnqueueCaughtInTheTransactionKeepsTheEarlierInsert() {
		run(TestDatabase.SQLITE, context -> {
			RuntimeException failure = service(context).placeOrderAfterFailedEnqueue("book");

			assertThat(failure).isInstanceOf(enqueueErrorType())
				.rootCause()
				.isInstanceOf(SQLException.class)
				.hasMessageContaining(
						"honker_enqueue: Invalid function parameter type Null at index 0 " + "(queue must be Text)");
			List<Long> ids = jdbc(context).queryForList("SELECT id FROM orders WHERE item = 'book'", Long.class);
			assertThat(ids).hasSize(1);
			assertThat(jdbc(context).queryForList("SELECT payload FROM _honker_live", String.class))
				.containsExactly(OrderService.payload(ids.get(0)));
		});
	}

	/**
	 * On PostgreSQL an error aborts the whole transaction (the functions cannot roll back
	 * only their own work, as the SQLite ones do), so a caught function error leaves a
	 * transaction that can only roll back: the next statement fails, and neither the
	 * order nor any job is left.
	 */
	@Test
	void failedEnqueueOnPostgresqlRollsBackTheWholeTransaction() {
		run(TestDatabase.POSTGRESQL, context -> {
			assertThatThrownBy(() -> service(context).placeOrderAfterFailedEnqueue("book"))
				.isInstanceOf(enqueueErrorType())
				.hasStackTraceContaining("current transaction is aborted");

			assertThat(jdbc(context).queryForObject("SELECT count(*) FROM orders", Long.class)).isZero();
			assertThat(jdbc(context).queryForObject("SELECT count(*) FROM _honker_live", Long.class)).isZero();
		});
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void concurrentTransactionsLeaveNoOrphans(TestDatabase database) {
		run(database, context -> {
			OrderService service = service(context);
			int threads = 4;
			int callsPerThread = 200;
			List<Callable<Integer>> workers = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int first = t * callsPerThread;
				workers.add(() -> placeOrders(service, first, callsPerThread));
			}
			ExecutorService pool = Executors.newFixedThreadPool(threads);
			int committed = 0;
			try {
				for (Future<Integer> worker : pool.invokeAll(workers)) {
					committed += worker.get();
				}
			}
			finally {
				pool.shutdownNow();
			}
			assertThat(committed).isEqualTo(600);

			JdbcTemplate jdbc = jdbc(context);
			assertThat(jdbc.queryForObject("SELECT count(*) FROM orders", Long.class)).isEqualTo(600);
			assertThat(jdbc.queryForObject("SELECT count(*) FROM _honker_live", Long.class)).isEqualTo(600);
			assertThat(jdbc.queryForObject(ORPHAN_JOBS.formatted(database.orderIdOf("j.payload")), Long.class))
				.isZero();
			assertThat(
					jdbc.queryForObject(ORDERS_WITHOUT_ONE_JOB.formatted(database.orderIdOf("j.payload")), Long.class))
				.isZero();
			assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE CAST(substr(item, 6) AS INTEGER) % 4 = 3",
					Long.class))
				.as("orders of calls that threw")
				.isZero();
		});
	}

	@Test
	void underWriteContentionEveryReportedFailureLeftNothingAndEverySuccessCommitted() {
		run(TestDatabase.SQLITE, "10", context -> {
			OrderService service = service(context);
			long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
			WriteStorm.Report report;
			try (AutoCloseable contention = WriteStorm
				.holdWriteLockRepeatedly("jdbc:sqlite:" + this.directory.resolve("shop.db"), Duration.ofMillis(20))) {
				report = WriteStorm.run(4, () -> System.nanoTime() - end < 0, item -> service.placeOrder(item, false));
			}
			WriteStorm.Verdict verdict = report.check(jdbc(context), OrderService.QUEUE);

			assertThat(verdict.consistent()).as("%s: %s", report, verdict).isTrue();
			assertThat(report.failed()).as("calls that met a busy database").isNotEmpty();
			assertThat(report.errorsByType()).as("the one exception of a busy database")
				.containsOnlyKeys("CannotCreateTransactionException");
			assertThat(report.succeeded()).isNotEmpty();
		});
	}

	/**
	 * Calls {@code placeOrder} for items {@code item-first ...}, every fourth one
	 * throwing; returns the commits.
	 */
	private static int placeOrders(OrderService service, int first, int count) {
		int committed = 0;
		for (int call = first; call < first + count; call++) {
			try {
				service.placeOrder("item-" + call, call % 4 == 3);
				committed++;
			}
			catch (IllegalStateException expected) {
				// rolled back: neither the order nor its job
			}
		}
		return committed;
	}

	private static OrderService service(AssertableApplicationContext context) {
		return context.getBean(OrderService.class);
	}

	private static long jobsWithPayload(AssertableApplicationContext context, String payload) {
		return jdbc(context).queryForObject("SELECT count(*) FROM _honker_live WHERE queue = ? AND payload = ?",
				Long.class, OrderService.QUEUE, payload);
	}

	static JdbcTemplate jdbc(AssertableApplicationContext context) {
		return new JdbcTemplate(context.getBean(DataSource.class));
	}

}
