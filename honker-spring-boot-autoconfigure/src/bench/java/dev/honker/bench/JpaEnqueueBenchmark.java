package dev.honker.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

import javax.sql.DataSource;

import dev.honker.spring.boot.autoconfigure.HonkerAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.jpa.JpaTestApplication;
import dev.honker.spring.boot.autoconfigure.jpa.Order;
import dev.honker.spring.boot.autoconfigure.jpa.OrderRepository;
import dev.honker.spring.boot.autoconfigure.jpa.OrderService;
import dev.honker.spring.core.HonkerTemplate;
import org.sqlite.SQLiteConnection;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What a Honker enqueue adds to a {@code @Transactional} Spring Data JPA save, and how
 * much of that is the job row Honker 0.4's schema prescribes rather than Honker's code.
 * One thread runs interleaved rounds of these transactions on a SQLite file (WAL,
 * synchronous=NORMAL, transaction_mode=IMMEDIATE):
 * <ul>
 * <li>save an order (the baseline);</li>
 * <li>save an order and insert its job row into {@code _honker_live} with a statement
 * prepared once per connection, without any Honker code: the least the schema costs;</li>
 * <li>save an order and insert its job row with {@code JdbcTemplate}, as hand-written
 * code would (a statement prepared per call, and sqlite-jdbc's
 * {@code SELECT last_insert_rowid()} after it);</li>
 * <li>save an order and enqueue its job with {@code HonkerTemplate};</li>
 * <li>for scale, save an order and insert one row into a plain table without indexes with
 * {@code JdbcTemplate}.</li>
 * </ul>
 * It prints the median time per transaction of each, both elapsed and as CPU time of the
 * benchmark thread (which other processes on a shared machine disturb less), and splits
 * the enqueue's overhead into the job row's share and Honker's share. Last, to see
 * Honker's share without the noise of commits, it compares the job row prepared once with
 * {@code honkerTemplate.enqueue} per call inside transactions of many calls.
 *
 * <p>
 * Not a test: run it with
 * {@code ./mvnw -q -B -pl honker-spring-boot-autoconfigure test-compile
 * exec:java -Dbench=JpaEnqueueBenchmark}.
 */
public final class JpaEnqueueBenchmark {

	private static final int ROUNDS = 30;

	private static final int CALLS_PER_ROUND = 1_000;

	private JpaEnqueueBenchmark() {
	}

	/**
	 * Runs the benchmark.
	 * @param args ignored
	 * @throws IOException if the temporary directory cannot be created or removed
	 */
	public static void main(String[] args) throws IOException {
		Path directory = Files.createTempDirectory("honker-jpa-bench");
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(BenchmarkApplication.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties("spring.datasource.url=jdbc:sqlite:" + directory.resolve("bench.db"),
					"spring.datasource.hikari.data-source-properties.journal_mode=WAL",
					"spring.datasource.hikari.data-source-properties.synchronous=NORMAL",
					"spring.datasource.hikari.data-source-properties.busy_timeout=30000",
					"spring.datasource.hikari.data-source-properties.transaction_mode=IMMEDIATE",
					"spring.jpa.database-platform=org.hibernate.community.dialect.SQLiteDialect",
					"spring.jpa.hibernate.ddl-auto=create", "logging.level.root=WARN")
			.run()) {
			OrderService service = context.getBean(OrderService.class);
			AuditedOrders audited = context.getBean(AuditedOrders.class);
			Variant saveAlone = Variant.perTransaction("JPA save alone", i -> service.saveOnly("item-" + i));
			Variant jobRow = Variant.perTransaction("+ job row, prepared once",
					i -> audited.saveWithPreparedJobRow("item-" + i));
			Variant enqueue = Variant.perTransaction("+ honkerTemplate.enqueue",
					i -> service.placeOrder("item-" + i, false));
			Variant jdbcJobRow = Variant.perTransaction("+ job row via JdbcTemplate",
					i -> audited.saveWithRawJobRow("item-" + i));
			Variant plainRow = Variant.perTransaction("+ plain row via JdbcTemplate",
					i -> audited.saveWithAuditRow("item-" + i));
			List<Variant> variants = List.of(saveAlone, jobRow, enqueue, jdbcJobRow, plainRow);
			measure(variants);
			System.out.printf(Locale.ROOT,
					"JpaEnqueueBenchmark: %d rounds x %d @Transactional calls per variant, variants"
							+ " interleaved; one thread, SQLite WAL + synchronous=NORMAL + transaction_mode=IMMEDIATE,"
							+ " Hibernate SQLiteDialect; %d cores, Java %s%n",
					ROUNDS, CALLS_PER_ROUND, Runtime.getRuntime().availableProcessors(),
					System.getProperty("java.version"));
			System.out.printf(Locale.ROOT, "  %-30s %14s %9s %9s %14s %9s%n", "median per transaction", "elapsed",
					"tx/s", "vs save", "thread CPU", "vs save");
			for (Variant variant : variants) {
				System.out.printf(Locale.ROOT, "  %-30s %11.1f us %,9.0f %+8.1f%% %11.1f us %+8.1f%%%n", variant.name,
						variant.elapsed(), 1e6 / variant.elapsed(), percent(variant.elapsed(), saveAlone.elapsed()),
						variant.cpu(), percent(variant.cpu(), saveAlone.cpu()));
			}
			printOverhead("elapsed", saveAlone.elapsed(), jobRow.elapsed(), enqueue.elapsed());
			printOverhead("thread CPU", saveAlone.cpu(), jobRow.cpu(), enqueue.cpu());

			TransactionTemplate transactions = new TransactionTemplate(
					context.getBean(PlatformTransactionManager.class));
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			Variant rowInOne = Variant.inOneTransaction("job row, prepared once", transactions, audited::insertJobRow);
			Variant enqueueInOne = Variant.inOneTransaction("honkerTemplate.enqueue", transactions,
					i -> honker.enqueue("orders", Map.of("orderId", i)));
			measure(List.of(rowInOne, enqueueInOne));
			System.out
				.printf(Locale.ROOT, "  inside one transaction of %d calls, median per call: job row, prepared once"
						+ " %.2f us (CPU %.2f us); honkerTemplate.enqueue %.2f us (CPU %.2f us); Honker's code %.2f us"
						+ " (CPU %.2f us)%n", CALLS_PER_ROUND, rowInOne.elapsed(), rowInOne.cpu(),
						enqueueInOne.elapsed(), enqueueInOne.cpu(), enqueueInOne.elapsed() - rowInOne.elapsed(),
						enqueueInOne.cpu() - rowInOne.cpu());
		}
		finally {
			deleteRecursively(directory);
		}
	}

	/** Warms every variant up, then measures them in interleaved rounds. */
	private static void measure(List<Variant> variants) {
		for (Variant variant : variants) {
			variant.round();
		}
		for (int r = 0; r < ROUNDS; r++) {
			for (int v = 0; v < variants.size(); v++) {
				variants.get((r + v) % variants.size()).measureRound();
			}
		}
	}

	/**
	 * Splits the enqueue's overhead into the job row the spec's schema costs and what
	 * Honker's code adds to it.
	 */
	private static void printOverhead(String measure, double save, double jobRow, double enqueue) {
		System.out.printf(Locale.ROOT,
				"  enqueue overhead (%s): %+.1f%% (target <= 30%%) = job row of the spec's schema"
						+ " %+.1f%% (%.1f us) + Honker's code %+.1f%% (%.1f us)%n",
				measure, percent(enqueue, save), percent(jobRow, save), jobRow - save, (enqueue - jobRow) / save * 100,
				enqueue - jobRow);
	}

	private static double percent(double value, double base) {
		return (value / base - 1) * 100;
	}

	private static void deleteRecursively(Path directory) throws IOException {
		try (Stream<Path> files = Files.walk(directory)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(file);
			}
		}
	}

	/**
	 * One kind of call and its per-round means, elapsed and on-thread CPU, in
	 * microseconds per call.
	 */
	private static final class Variant {

		private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

		private final String name;

		private final Consumer<Runnable> roundRunner;

		private final LongConsumer call;

		private final List<Double> elapsedRounds = new ArrayList<>();

		private final List<Double> cpuRounds = new ArrayList<>();

		private long next;

		private Variant(String name, Consumer<Runnable> roundRunner, LongConsumer call) {
			this.name = name;
			this.roundRunner = roundRunner;
			this.call = call;
		}

		/** Calls that each run their own transaction. */
		static Variant perTransaction(String name, LongConsumer transaction) {
			return new Variant(name, Runnable::run, transaction);
		}

		/** Calls that run together, a round in one transaction. */
		static Variant inOneTransaction(String name, TransactionTemplate transactions, LongConsumer call) {
			return new Variant(name, round -> transactions.executeWithoutResult(status -> round.run()), call);
		}

		void measureRound() {
			long cpuStart = THREADS.getCurrentThreadCpuTime();
			long start = System.nanoTime();
			round();
			long elapsed = System.nanoTime() - start;
			long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
			this.elapsedRounds.add(elapsed / 1e3 / CALLS_PER_ROUND);
			this.cpuRounds.add(cpu / 1e3 / CALLS_PER_ROUND);
		}

		void round() {
			this.roundRunner.accept(() -> {
				for (int i = 0; i < CALLS_PER_ROUND; i++) {
					this.call.accept(this.next++);
				}
			});
		}

		double elapsed() {
			return median(this.elapsedRounds);
		}

		double cpu() {
			return median(this.cpuRounds);
		}

		private static double median(List<Double> rounds) {
			List<Double> sorted = rounds.stream().sorted().toList();
			int middle = sorted.size() / 2;
			return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
		}

	}

	/**
	 * Saves an order and one more row in the same transaction, without HonkerTemplate:
	 * the scale of a second write.
	 */
	static class AuditedOrders {

		private static final String JOB_ROW = "INSERT INTO _honker_live (queue, payload) VALUES (?, ?) RETURNING id";

		private final OrderRepository orders;

		private final DataSource dataSource;

		private final JdbcTemplate jdbc;

		/** The job row statement of each physical connection; one thread uses them. */
		private final Map<SQLiteConnection, PreparedStatement> jobRows = new HashMap<>();

		AuditedOrders(OrderRepository orders, DataSource dataSource) {
			this.orders = orders;
			this.dataSource = dataSource;
			this.jdbc = new JdbcTemplate(dataSource);
			this.jdbc
				.execute("CREATE TABLE IF NOT EXISTS order_audit (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL,"
						+ " note TEXT NOT NULL)");
		}

		@Transactional
		public long saveWithPreparedJobRow(String item) {
			long id = this.orders.save(new Order(item)).getId();
			insertJobRow(id);
			return id;
		}

		/**
		 * Inserts the job row of an order with the statement prepared once for the
		 * current connection.
		 */
		void insertJobRow(long orderId) {
			Connection connection = DataSourceUtils.getConnection(this.dataSource);
			try {
				SQLiteConnection physical = connection.unwrap(SQLiteConnection.class);
				PreparedStatement insert = this.jobRows.get(physical);
				if (insert == null) {
					insert = physical.prepareStatement(JOB_ROW);
					this.jobRows.put(physical, insert);
				}
				insert.setString(1, "orders");
				insert.setString(2, "{\"orderId\":" + orderId + "}");
				try (ResultSet job = insert.executeQuery()) {
					job.next();
					job.getLong(1);
				}
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
			finally {
				DataSourceUtils.releaseConnection(connection, this.dataSource);
			}
		}

		@Transactional
		public long saveWithRawJobRow(String item) {
			long id = this.orders.save(new Order(item)).getId();
			this.jdbc.update("INSERT INTO _honker_live (queue, payload) VALUES (?, ?)", "orders",
					"{\"orderId\":" + id + "}");
			return id;
		}

		@Transactional
		public long saveWithAuditRow(String item) {
			long id = this.orders.save(new Order(item)).getId();
			this.jdbc.update("INSERT INTO order_audit (order_id, note) VALUES (?, ?)", id, "{\"orderId\":" + id + "}");
			return id;
		}

	}

	/** The JPA test application with only the auto-configurations it needs. */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, HibernateJpaAutoConfiguration.class,
			DataJpaRepositoriesAutoConfiguration.class, TransactionAutoConfiguration.class,
			JacksonAutoConfiguration.class, HonkerAutoConfiguration.class })
	@Import(JpaTestApplication.class)
	static class BenchmarkApplication {

		@Bean
		AuditedOrders auditedOrders(OrderRepository orders, DataSource dataSource) {
			return new AuditedOrders(orders, dataSource);
		}

	}

}
