package dev.honker.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.honker.postgres.PostgresBootstrap;
import dev.honker.postgres.PostgresTestServer;

/**
 * The cost of Honker's PL/pgSQL functions against the plain SQL they replace, on the
 * tests' PostgreSQL server ({@code PostgresTestServer}: Debian's PostgreSQL on 127.0.0.1,
 * fsync off), one JDBC connection, one thread, interleaved rounds:
 * <ul>
 * <li><b>plain INSERT</b>: {@code INSERT} an order, {@code INSERT} its job row into
 * {@code _honker_live}, {@code COMMIT};</li>
 * <li><b>honker_enqueue</b>: {@code INSERT} an order, {@code SELECT honker_enqueue(...)},
 * {@code COMMIT};</li>
 * <li><b>raw claim + ack</b>: the claim of one job as one {@code UPDATE ... WHERE id =
 * (SELECT ... FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING} and its ack as a
 * {@code DELETE}, each in autocommit;</li>
 * <li><b>honker_claim_batch + honker_ack</b>: the same through the functions (n = 1);</li>
 * <li><b>batches of 32</b>: {@code honker_claim_batch(..., 32, ...)} +
 * {@code honker_ack_batch}, against the raw claim of 32 + one {@code DELETE}.</li>
 * </ul>
 * Prints medians of jobs per second and the median of the per-round ratios. Run with
 * {@code ./mvnw -q -pl honker-spring-boot-autoconfigure test-compile exec:java
 * -Dbench=PostgresFunctionsBenchmark}.
 */
public final class PostgresFunctionsBenchmark {

	private static final int ROUNDS = 7;

	private static final int JOBS = 2_000;

	private static final String PAYLOAD = "{\"orderId\":12345,\"email\":\"alice@example.com\"}";

	private static final String RAW_CLAIM = """
			UPDATE honker._honker_live SET state = 'processing', worker_id = ?, attempts = attempts + 1,
			       claim_expires_at = floor(extract(epoch FROM clock_timestamp()))::bigint + 30
			 WHERE id IN (SELECT id FROM honker._honker_live
			               WHERE queue = ? AND state = 'pending' AND run_at <= floor(extract(epoch FROM clock_timestamp()))
			               ORDER BY priority DESC, run_at, id LIMIT ? FOR UPDATE SKIP LOCKED)
			RETURNING id, payload""";

	private PostgresFunctionsBenchmark() {
	}

	/**
	 * Runs the benchmark.
	 * @param args ignored
	 * @throws Exception if the database fails
	 */
	public static void main(String[] args) throws Exception {
		String url = PostgresTestServer.get().createDatabase();
		try (Connection connection = DriverManager.getConnection(url)) {
			PostgresBootstrap.bootstrap(connection);
			try (Statement statement = connection.createStatement()) {
				statement.execute("SET search_path TO public, honker");
				statement.execute("CREATE TABLE orders (id bigserial PRIMARY KEY, item text NOT NULL, quantity int)");
			}
			System.out.printf(Locale.ROOT, "PostgresFunctionsBenchmark: %s, %d rounds after 1 warm-up, %,d jobs each;"
					+ " one connection, one thread, 127.0.0.1, fsync off; %d cores, Java %s%n",
					connection.getMetaData().getDatabaseProductVersion(), ROUNDS, JOBS,
					Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
			Bench bench = new Bench(connection);
			List<Workload> workloads = List.of(new Workload("tx: INSERT order + plain INSERT job row", bench::plainInsert),
					new Workload("tx: INSERT order + honker_enqueue", bench::enqueue),
					new Workload("raw claim 1 + DELETE ack (autocommit)", () -> bench.rawDrain(1)),
					new Workload("honker_claim_batch(1) + honker_ack (autocommit)", () -> bench.functionDrain(1)),
					new Workload("raw claim 32 + one DELETE ack (autocommit)", () -> bench.rawDrain(32)),
					new Workload("honker_claim_batch(32) + honker_ack_batch", () -> bench.functionDrain(32)));
			for (int round = 0; round <= ROUNDS; round++) {
				for (int w = 0; w < workloads.size(); w++) {
					Workload workload = workloads.get((round + w) % workloads.size());
					bench.clear();
					if (workload.name.contains("claim")) {
						bench.fill();
					}
					workload.run(round > 0);
				}
			}
			for (Workload workload : workloads) {
				System.out.printf(Locale.ROOT, "  %-50s median %,9.0f jobs/s%n", workload.name, median(workload.rates));
			}
			printRatio("honker_enqueue tx / plain INSERT tx", workloads.get(1), workloads.get(0), "0.8x");
			printRatio("function claim+ack / raw claim+ack (1 job)", workloads.get(3), workloads.get(2), null);
			printRatio("function claim+ack / raw claim+ack (32 jobs)", workloads.get(5), workloads.get(4), null);
		}
	}

	private static void printRatio(String name, Workload measured, Workload baseline, String target) {
		double[] ratios = new double[measured.rates.size()];
		for (int i = 0; i < ratios.length; i++) {
			ratios[i] = measured.rates.get(i) / baseline.rates.get(i);
		}
		System.out.printf(Locale.ROOT, "ratio %-48s %.2fx%s%n", name, BenchDatabase.median(ratios),
				(target != null) ? " (target >= " + target + ")" : "");
	}

	private static double median(List<Double> values) {
		return BenchDatabase.median(values.stream().mapToDouble(Double::doubleValue).toArray());
	}

	/** The statements of the workloads, prepared once. */
	private static final class Bench {

		private final Connection connection;

		private final PreparedStatement order;

		private final PreparedStatement job;

		private final PreparedStatement enqueue;

		private final PreparedStatement rawClaim;

		private final PreparedStatement rawAck;

		private final PreparedStatement claim;

		private final PreparedStatement ack;

		private final PreparedStatement ackBatch;

		Bench(Connection connection) throws SQLException {
			this.connection = connection;
			this.order = connection.prepareStatement("INSERT INTO orders (item, quantity) VALUES (?, ?)");
			this.job = connection.prepareStatement("INSERT INTO honker._honker_live (queue, payload) VALUES (?, ?)");
			this.enqueue = connection.prepareStatement("SELECT honker_enqueue(?, ?, NULL, NULL, 0, 3, NULL)");
			this.rawClaim = connection.prepareStatement(RAW_CLAIM);
			this.rawAck = connection.prepareStatement("DELETE FROM honker._honker_live WHERE id = ANY (?) AND worker_id = ?");
			this.claim = connection.prepareStatement("SELECT honker_claim_batch(?, ?, ?, 30)");
			this.ack = connection.prepareStatement("SELECT honker_ack(?, ?)");
			this.ackBatch = connection.prepareStatement("SELECT honker_ack_batch(?, ?)");
		}

		int plainInsert() throws SQLException {
			this.connection.setAutoCommit(false);
			for (int i = 0; i < JOBS; i++) {
				insertOrder();
				this.job.setString(1, "orders");
				this.job.setString(2, PAYLOAD);
				this.job.executeUpdate();
				this.connection.commit();
			}
			this.connection.setAutoCommit(true);
			return JOBS;
		}

		int enqueue() throws SQLException {
			this.connection.setAutoCommit(false);
			for (int i = 0; i < JOBS; i++) {
				insertOrder();
				this.enqueue.setString(1, "orders");
				this.enqueue.setString(2, PAYLOAD);
				this.enqueue.executeQuery().close();
				this.connection.commit();
			}
			this.connection.setAutoCommit(true);
			return JOBS;
		}

		int rawDrain(int batch) throws SQLException {
			int done = 0;
			while (true) {
				List<Long> ids = new ArrayList<>();
				this.rawClaim.setString(1, "w");
				this.rawClaim.setString(2, "orders");
				this.rawClaim.setInt(3, batch);
				try (ResultSet rows = this.rawClaim.executeQuery()) {
					while (rows.next()) {
						ids.add(rows.getLong(1));
						rows.getString(2);
					}
				}
				if (ids.isEmpty()) {
					return done;
				}
				this.rawAck.setArray(1, this.connection.createArrayOf("bigint", ids.toArray()));
				this.rawAck.setString(2, "w");
				this.rawAck.executeUpdate();
				done += ids.size();
			}
		}

		int functionDrain(int batch) throws SQLException {
			int done = 0;
			while (true) {
				this.claim.setString(1, "orders");
				this.claim.setString(2, "w");
				this.claim.setInt(3, batch);
				String claimed;
				try (ResultSet rows = this.claim.executeQuery()) {
					rows.next();
					claimed = rows.getString(1);
				}
				List<Long> ids = new ArrayList<>();
				for (String part : claimed.split("\"id\":")) {
					if (!part.startsWith("[")) {
						ids.add(Long.parseLong(part.substring(0, part.indexOf(','))));
					}
				}
				if (ids.isEmpty()) {
					return done;
				}
				if (batch == 1) {
					this.ack.setLong(1, ids.get(0));
					this.ack.setString(2, "w");
					this.ack.executeQuery().close();
				}
				else {
					this.ackBatch.setString(1, ids.toString());
					this.ackBatch.setString(2, "w");
					this.ackBatch.executeQuery().close();
				}
				done += ids.size();
			}
		}

		void fill() throws SQLException {
			try (Statement statement = this.connection.createStatement()) {
				statement.execute("INSERT INTO honker._honker_live (queue, payload) SELECT 'orders', '" + PAYLOAD
						+ "' FROM generate_series(1, " + JOBS + ")");
				statement.execute("VACUUM ANALYZE honker._honker_live");
			}
		}

		void clear() throws SQLException {
			try (Statement statement = this.connection.createStatement()) {
				statement.execute("TRUNCATE orders, honker._honker_live");
			}
		}

		private void insertOrder() throws SQLException {
			this.order.setString(1, "book");
			this.order.setInt(2, 1);
			this.order.executeUpdate();
		}

	}

	/** One workload: a round returns the jobs it handled. */
	private static final class Workload {

		final String name;

		final Round round;

		final List<Double> rates = new ArrayList<>();

		Workload(String name, Round round) {
			this.name = name;
			this.round = round;
		}

		void run(boolean record) throws Exception {
			long start = System.nanoTime();
			int jobs = this.round.run();
			double seconds = (System.nanoTime() - start) / 1e9;
			if (jobs != JOBS) {
				throw new IllegalStateException(this.name + " handled " + jobs + " jobs, expected " + JOBS);
			}
			if (record) {
				this.rates.add(jobs / seconds);
			}
		}

	}

	@FunctionalInterface
	private interface Round {

		int run() throws Exception;

	}

}
