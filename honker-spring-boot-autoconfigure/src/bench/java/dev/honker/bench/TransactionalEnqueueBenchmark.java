package dev.honker.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import dev.honker.spring.boot.autoconfigure.HonkerAutoConfiguration;
import dev.honker.spring.core.HonkerTemplate;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Enqueue throughput as an application sees it, against raw sqlite-jdbc loops in the
 * same run. One thread, a Boot application on a SQLite file (Hikari, WAL,
 * {@code synchronous=NORMAL}, {@code DataSourceTransactionManager}), interleaved rounds:
 * <ul>
 * <li><b>raw loop</b>: one sqlite-jdbc connection, statements prepared once:
 * {@code INSERT} an order, {@code INSERT} its job row, {@code COMMIT};</li>
 * <li><b>Spring + JDBC job row</b>: a {@code TransactionTemplate} transaction with
 * {@code JdbcTemplate} inserting the order and the job row (its JSON text given);</li>
 * <li><b>Spring + enqueue</b>: the same transaction with the order inserted by
 * {@code JdbcTemplate} and the job enqueued by {@code honkerTemplate.enqueue} (a record
 * written as JSON by Jackson);</li>
 * <li><b>raw multi-row INSERT</b>: 100 job rows in one prepared {@code INSERT} of 100
 * rows, then {@code COMMIT};</li>
 * <li><b>enqueueAll</b>: 100 jobs per Spring transaction through
 * {@code honkerTemplate.enqueueAll};</li>
 * <li>for scale, 100 {@code honkerTemplate.enqueue} calls per Spring transaction.</li>
 * </ul>
 * Tables are emptied before each round. Prints the median transactions and jobs per
 * second of each, from elapsed time and from the benchmark thread's CPU time (which other
 * processes on a busy machine disturb less; with {@code synchronous=NORMAL} a WAL commit
 * does not wait for the disk, so the work is the thread's CPU), and the ratios the
 * project's targets name, as medians of the per-round ratios.
 */
public final class TransactionalEnqueueBenchmark {

	private static final int ROUNDS = 7;

	private static final int SINGLE_TRANSACTIONS = 2_000;

	private static final int BATCH_TRANSACTIONS = 100;

	private static final int BATCH = 100;

	private static final String PAYLOAD = "{\"orderId\":12345,\"email\":\"alice@example.com\"}";

	private static final String ORDER = "INSERT INTO orders (item, quantity) VALUES (?, ?)";

	private static final String JOB = "INSERT INTO _honker_live (queue, payload) VALUES (?, ?)";

	private TransactionalEnqueueBenchmark() {
	}

	/** The job's payload as the application has it. */
	record OrderPlaced(long orderId, String email) {
	}

	/**
	 * Runs the benchmark.
	 * @param args ignored
	 * @throws Exception if the database fails
	 */
	public static void main(String[] args) throws Exception {
		Path directory = Files.createTempDirectory("honker-tx-bench");
		Path file = directory.resolve("bench.db");
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(BenchmarkApplication.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties("spring.datasource.url=jdbc:sqlite:" + file,
					"spring.datasource.hikari.data-source-properties.journal_mode=WAL",
					"spring.datasource.hikari.data-source-properties.synchronous=NORMAL",
					"spring.datasource.hikari.data-source-properties.busy_timeout=30000", "logging.level.root=WARN")
			.run(); Connection raw = rawConnection(file)) {
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			jdbc.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT NOT NULL, quantity INTEGER NOT NULL)");
			TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			List<OrderPlaced> batch = IntStream.range(0, BATCH)
				.mapToObj(i -> new OrderPlaced(i, "alice@example.com"))
				.toList();
			PreparedStatement rawOrder = raw.prepareStatement(ORDER);
			PreparedStatement rawJob = raw.prepareStatement(JOB);
			PreparedStatement rawMultiRow = raw.prepareStatement(multiRowInsert(BATCH));
			List<Workload> workloads = List.of(new Workload("raw loop: INSERT order + INSERT job + COMMIT", 1, () -> {
				rawOrder.setString(1, "book");
				rawOrder.setInt(2, 1);
				rawOrder.executeUpdate();
				rawJob.setString(1, "orders");
				rawJob.setString(2, PAYLOAD);
				rawJob.executeUpdate();
				raw.commit();
			}), new Workload("Spring tx: JdbcTemplate order + JdbcTemplate job row", 1,
					() -> transactions.executeWithoutResult(status -> {
						jdbc.update(ORDER, "book", 1);
						jdbc.update(JOB, "orders", PAYLOAD);
					})),
					new Workload("Spring tx: JdbcTemplate order + honkerTemplate.enqueue", 1,
							() -> transactions.executeWithoutResult(status -> {
								jdbc.update(ORDER, "book", 1);
								honker.enqueue("orders", new OrderPlaced(12345, "alice@example.com"));
							})),
					new Workload("raw multi-row INSERT of 100 jobs + COMMIT", BATCH, () -> {
						for (int i = 0; i < BATCH; i++) {
							rawMultiRow.setString(2 * i + 1, "orders");
							rawMultiRow.setString(2 * i + 2, PAYLOAD);
						}
						rawMultiRow.executeUpdate();
						raw.commit();
					}),
					new Workload("Spring tx: honkerTemplate.enqueueAll of 100 jobs", BATCH,
							() -> transactions.executeWithoutResult(status -> honker.enqueueAll("orders", batch))),
					new Workload("Spring tx: 100 x honkerTemplate.enqueue", BATCH,
							() -> transactions.executeWithoutResult(status -> batch.forEach(job -> honker.enqueue("orders", job)))));
			for (int round = 0; round < ROUNDS + 1; round++) {
				for (int w = 0; w < workloads.size(); w++) {
					Workload workload = workloads.get((round + w) % workloads.size());
					clear(raw);
					workload.run(round > 0);
				}
			}
			System.out.printf(Locale.ROOT,
					"TransactionalEnqueueBenchmark: %d rounds after 1 warm-up round, workloads interleaved; %,d"
							+ " single-job transactions or %,d transactions of %d jobs per round; one thread, WAL +"
							+ " synchronous=NORMAL; %d cores, Java %s%n",
					ROUNDS, SINGLE_TRANSACTIONS, BATCH_TRANSACTIONS, BATCH, Runtime.getRuntime().availableProcessors(),
					System.getProperty("java.version"));
			for (Workload workload : workloads) {
				System.out.printf(Locale.ROOT, "  %-56s elapsed: median %,8.0f tx/s %,9.0f jobs/s | CPU: %,8.0f tx/s%n",
						workload.name, median(workload.elapsed), median(workload.elapsed) * workload.jobsPerTransaction,
						median(workload.cpu));
			}
			printRatio("enqueue tx / raw loop", workloads.get(2), workloads.get(0), "0.7x");
			printRatio("enqueue tx / Spring tx with a JDBC job row", workloads.get(2), workloads.get(1), "0.9x");
			printRatio("enqueueAll jobs / raw multi-row INSERT", workloads.get(4), workloads.get(3), "0.6x");
			printRatio("100 x enqueue / raw multi-row INSERT", workloads.get(5), workloads.get(3), null);
		}
		finally {
			deleteAll(directory);
		}
	}

	private static void printRatio(String name, Workload measured, Workload baseline, String target) {
		System.out.printf(Locale.ROOT, "ratio %-45s elapsed %.2fx, CPU %.2fx%s%n", name,
				medianRatio(measured.elapsed, baseline.elapsed), medianRatio(measured.cpu, baseline.cpu),
				(target != null) ? " (target >= " + target + ")" : "");
	}

	private static double medianRatio(List<Double> measured, List<Double> baseline) {
		double[] ratios = new double[measured.size()];
		for (int i = 0; i < ratios.length; i++) {
			ratios[i] = measured.get(i) / baseline.get(i);
		}
		return BenchDatabase.median(ratios);
	}

	private static double median(List<Double> values) {
		return BenchDatabase.median(values.stream().mapToDouble(Double::doubleValue).toArray());
	}

	private static Connection rawConnection(Path file) throws SQLException {
		Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
		try (Statement statement = connection.createStatement()) {
			statement.execute("PRAGMA journal_mode=WAL");
			statement.execute("PRAGMA synchronous=NORMAL");
			statement.execute("PRAGMA busy_timeout=30000");
		}
		connection.setAutoCommit(false);
		return connection;
	}

	private static String multiRowInsert(int rows) {
		StringBuilder sql = new StringBuilder("INSERT INTO _honker_live (queue, payload) VALUES ");
		for (int row = 0; row < rows; row++) {
			sql.append(row == 0 ? "(?, ?)" : ", (?, ?)");
		}
		return sql.toString();
	}

	private static void clear(Connection raw) throws SQLException {
		try (Statement statement = raw.createStatement()) {
			statement.execute("DELETE FROM orders");
			statement.execute("DELETE FROM _honker_live");
			raw.commit();
			statement.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)").close();
		}
	}

	private static void deleteAll(Path directory) throws IOException {
		try (var files = Files.list(directory)) {
			for (Path file : (Iterable<Path>) files::iterator) {
				Files.delete(file);
			}
		}
		Files.delete(directory);
	}

	/** One transaction of a workload. */
	@FunctionalInterface
	private interface Transaction {

		void run() throws Exception;

	}

	private static final class Workload {

		final String name;

		final int jobsPerTransaction;

		final Transaction transaction;

		final List<Double> elapsed = new ArrayList<>();

		final List<Double> cpu = new ArrayList<>();

		Workload(String name, int jobsPerTransaction, Transaction transaction) {
			this.name = name;
			this.jobsPerTransaction = jobsPerTransaction;
			this.transaction = transaction;
		}

		/** Runs one round; records transactions per second when {@code record}. */
		void run(boolean record) throws Exception {
			int count = (this.jobsPerTransaction == 1) ? SINGLE_TRANSACTIONS : BATCH_TRANSACTIONS;
			ThreadMXBean threads = ManagementFactory.getThreadMXBean();
			long cpuStart = threads.getCurrentThreadCpuTime();
			long start = System.nanoTime();
			for (int i = 0; i < count; i++) {
				this.transaction.run();
			}
			long elapsedNanos = System.nanoTime() - start;
			long cpuNanos = threads.getCurrentThreadCpuTime() - cpuStart;
			if (record) {
				this.elapsed.add(count / (elapsedNanos / 1e9));
				this.cpu.add(count / (cpuNanos / 1e9));
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
			TransactionAutoConfiguration.class, JacksonAutoConfiguration.class, HonkerAutoConfiguration.class })
	static class BenchmarkApplication {

	}

}
