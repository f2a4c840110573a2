package dev.honker.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.honker.postgres.PostgresBootstrap;
import dev.honker.postgres.PostgresTestServer;
import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.listener.ChildJvm;
import dev.honker.spring.listener.WorkerMain;

/**
 * Honker on PostgreSQL, on a server this benchmark starts itself (the tests'
 * {@link PostgresTestServer}: Debian's binaries, {@code fsync} off, loopback):
 * <ol>
 * <li><b>Wake</b>: from a producer's transaction to the first line of a
 * {@code @HonkerListener} in another JVM ({@link WorkerMain}, {@code AFTER_HANDLER},
 * concurrency 4), woken by {@code LISTEN}/{@code NOTIFY}; the time is taken inside the
 * transaction just before {@code honker_enqueue}, so the enqueue and the commit are
 * included. Commits 1 to 3 ms apart.</li>
 * <li><b>Drain</b>: {@value #DRAIN_JOBS} jobs committed in one transaction, drained by 1,
 * 2 and 4 worker JVMs (Boot, {@code AFTER_HANDLER}, concurrency 4, a handler that does
 * nothing), against the same number of raw claimers, each a thread of this JVM with its
 * own connection, running a bare {@code SELECT ... FOR UPDATE SKIP LOCKED} claim of 32
 * and a {@code DELETE} ack per batch.</li>
 * <li><b>Transactional enqueue</b>: an order row plus {@code HonkerTemplate.enqueue} in
 * one Spring transaction, against the same order row plus a plain {@code INSERT} of the
 * job row into {@code _honker_live}.</li>
 * </ol>
 * Prints every round and the medians over {@value #ROUNDS} rounds, with the targets.
 */
public final class PostgresBenchmark {

	private static final int ROUNDS = 3;

	private static final int WAKE_SAMPLES = 300;

	private static final int WAKE_WARM_UP = 100;

	private static final int DRAIN_JOBS = 20_000;

	private static final int ENQUEUE_TRANSACTIONS = 3_000;

	private static final int[] WORKERS = { 1, 2, 4 };

	private PostgresBenchmark() {
	}

	/**
	 * Runs the benchmark.
	 * @param args the parts to run, among {@code wake}, {@code drain} and
	 * {@code enqueue}; all of them when none is given
	 */
	public static void main(String[] args) throws Exception {
		Set<String> parts = (args.length == 0) ? Set.of("wake", "drain", "enqueue") : Set.of(args);
		String url = PostgresTestServer.get().createDatabase();
		try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
			PostgresBootstrap.bootstrap(connection);
			statement.execute("CREATE TABLE orders (id BIGSERIAL PRIMARY KEY, item TEXT NOT NULL)");
		}
		System.out.println("Honker on PostgreSQL " + url + "; busy machine: other builds may run alongside; parts "
				+ parts);
		double[][] wake = new double[2][ROUNDS];
		Drain[][] drain = new Drain[WORKERS.length * 2][ROUNDS];
		double[][] enqueue = new double[2][ROUNDS];
		try (HikariDataSource pool = pool(url)) {
			ProcessHandle server = server(pool);
			for (int round = 0; round < ROUNDS; round++) {
				if (parts.contains("wake")) {
					long[] samples = wake(url, pool);
					wake[0][round] = percentile(samples, 50);
					wake[1][round] = percentile(samples, 99);
					System.out.printf(Locale.ROOT, "round %d: wake p50 %.3f ms, p99 %.2f ms%n", round + 1,
							wake[0][round], wake[1][round]);
				}
				for (int w = 0; parts.contains("drain") && w < WORKERS.length; w++) {
					drain[2 * w][round] = drainWithWorkers(url, pool, server, WORKERS[w]);
					drain[2 * w + 1][round] = drainRaw(url, pool, server, WORKERS[w]);
					System.out.printf(Locale.ROOT,
							"round %d: drain %,d jobs with %d worker JVM(s) %s; raw SKIP LOCKED loop in %d thread(s)"
									+ " %s%n",
							round + 1, DRAIN_JOBS, WORKERS[w], drain[2 * w][round], WORKERS[w],
							drain[2 * w + 1][round]);
				}
				if (parts.contains("enqueue")) {
					enqueue[0][round] = transactionalEnqueue(pool, true);
					enqueue[1][round] = transactionalEnqueue(pool, false);
					System.out.printf(Locale.ROOT,
							"round %d: order + HonkerTemplate.enqueue %,.0f tx/s, order + plain INSERT of the job row"
									+ " %,.0f tx/s%n",
							round + 1, enqueue[0][round], enqueue[1][round]);
				}
			}
		}
		if (parts.contains("wake")) {
			System.out.printf(Locale.ROOT,
					"median: wake p50 %.3f ms, p99 %.2f ms (targets p50 <= 2 ms, p99 <= 10 ms)%n", median(wake[0]),
					median(wake[1]));
		}
		if (parts.contains("drain")) {
			printDrainMedians(drain);
		}
		if (parts.contains("enqueue")) {
			System.out.printf(Locale.ROOT,
					"median: transactional enqueue %,.0f tx/s vs plain INSERT %,.0f tx/s = %.2fx (target >= 0.8x)%n",
					median(enqueue[0]), median(enqueue[1]), median(enqueue[0]) / median(enqueue[1]));
		}
	}

	private static void printDrainMedians(Drain[][] drain) {
		for (int w = 0; w < WORKERS.length; w++) {
			Drain workers = Drain.median(drain[2 * w]);
			Drain raw = Drain.median(drain[2 * w + 1]);
			System.out.printf(Locale.ROOT, "median: drain with %d worker JVM(s) %s; raw SKIP LOCKED loop %s; %.2fx raw%n",
					WORKERS[w], workers, raw, workers.jobsPerSecond() / raw.jobsPerSecond());
		}
		double one = Drain.median(drain[0]).jobsPerSecond();
		double rawOne = Drain.median(drain[1]).jobsPerSecond();
		System.out.printf(Locale.ROOT,
				"median: drain grows with workers: 2 / 1 = %.2fx, 4 / 1 = %.2fx (target: grows; raw loop 2 / 1 ="
						+ " %.2fx, 4 / 1 = %.2fx)%n",
				Drain.median(drain[2]).jobsPerSecond() / one, Drain.median(drain[4]).jobsPerSecond() / one,
				Drain.median(drain[3]).jobsPerSecond() / rawOne, Drain.median(drain[5]).jobsPerSecond() / rawOne);
	}

	private static HikariDataSource pool(String url) {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(url);
		config.setMaximumPoolSize(8);
		config.setConnectionInitSql("SET search_path TO public, honker");
		return new HikariDataSource(config);
	}

	/** Wake samples of one worker JVM, after a warm-up. */
	private static long[] wake(String url, DataSource pool) throws Exception {
		try (ChildJvm child = ChildJvm.startPiped(WorkerMain.class, workerArgs(url, "wake", "print"));
				Connection connection = pool.getConnection();
				PreparedStatement enqueue = connection
					.prepareStatement("SELECT honker_enqueue('wake', '{}', NULL, NULL, 0, 3, NULL)")) {
			BufferedReader output = child.lines();
			awaitLine(output, "worker ready");
			connection.setAutoCommit(false);
			sample(connection, enqueue, output, WAKE_WARM_UP);
			return sample(connection, enqueue, output, WAKE_SAMPLES);
		}
	}

	private static long[] sample(Connection connection, PreparedStatement enqueue, BufferedReader output, int count)
			throws Exception {
		long[] nanos = new long[count];
		for (int i = 0; i < count; i++) {
			long start = System.nanoTime();
			long id;
			try (ResultSet row = enqueue.executeQuery()) {
				row.next();
				id = row.getLong(1);
			}
			connection.commit();
			nanos[i] = handledAt(output, id) - start;
			// Not synchronisation: a random gap of 1 to 3 ms between commits.
			LockSupport.parkNanos(1_000_000 + ThreadLocalRandom.current().nextLong(2_000_000));
		}
		return nanos;
	}

	/** The PostgreSQL server's main process, the parent of every backend. */
	private static ProcessHandle server(DataSource pool) throws SQLException {
		long backend = new JdbcTemplate(pool).queryForObject("SELECT pg_backend_pid()", Long.class);
		return ProcessHandle.of(backend)
			.flatMap(ProcessHandle::parent)
			.orElseThrow(() -> new IllegalStateException("no server process above backend " + backend));
	}

	/** {@code workers} Boot worker JVMs draining the backlog, from the commit to empty. */
	private static Drain drainWithWorkers(String url, DataSource pool, ProcessHandle server, int workers)
			throws Exception {
		String queue = "drain-" + workers;
		List<ChildJvm> children = new ArrayList<>();
		try {
			for (int i = 0; i < workers; i++) {
				children.add(ChildJvm.startPiped(WorkerMain.class, workerArgs(url, queue, "noop")));
			}
			for (ChildJvm child : children) {
				awaitLine(child.lines(), "worker ready");
			}
			long start = enqueueBacklog(pool, queue);
			long serverCpu = ProcessCpu.treeNanos(server);
			long clientCpu = cpuNanos(children);
			awaitEmpty(pool, queue);
			return new Drain(System.nanoTime() - start, ProcessCpu.treeNanos(server) - serverCpu,
					cpuNanos(children) - clientCpu);
		}
		finally {
			children.forEach(ChildJvm::close);
		}
	}

	private static long cpuNanos(List<ChildJvm> children) {
		return children.stream().mapToLong(child -> ProcessCpu.nanos(child.handle().pid(), false)).sum();
	}

	/** {@code threads} raw SKIP LOCKED claimers of this JVM draining the backlog. */
	private static Drain drainRaw(String url, DataSource pool, ProcessHandle server, int threads) throws Exception {
		String queue = "raw-" + threads;
		List<Connection> connections = new ArrayList<>();
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			// connected before and closed after the measurement, so that each backend's CPU
			// is read while it runs
			for (int i = 0; i < threads; i++) {
				connections.add(DriverManager.getConnection(url));
			}
			long start = enqueueBacklog(pool, queue);
			long serverCpu = ProcessCpu.treeNanos(server);
			long clientCpu = ProcessCpu.nanos(ProcessHandle.current().pid(), false);
			List<Future<?>> loops = new ArrayList<>();
			for (Connection connection : connections) {
				loops.add(executor.submit(() -> rawLoop(connection, queue)));
			}
			for (Future<?> loop : loops) {
				loop.get();
			}
			return new Drain(System.nanoTime() - start, ProcessCpu.treeNanos(server) - serverCpu,
					ProcessCpu.nanos(ProcessHandle.current().pid(), false) - clientCpu);
		}
		finally {
			executor.shutdownNow();
			for (Connection connection : connections) {
				connection.close();
			}
		}
	}

	/** Claims 32 at a time with SKIP LOCKED and acknowledges them, until none is left. */
	private static Void rawLoop(Connection connection, String queue) throws SQLException {
		try (PreparedStatement claim = connection.prepareStatement("""
						UPDATE honker._honker_live SET state = 'processing', worker_id = 'raw', attempts = attempts + 1,
						  claim_expires_at = CAST(extract(epoch FROM clock_timestamp()) AS bigint) + 300
						WHERE id IN (SELECT id FROM honker._honker_live
						  WHERE queue = ? AND state = 'pending' AND run_at <= CAST(extract(epoch FROM clock_timestamp()) AS bigint)
						  ORDER BY priority DESC, run_at, id LIMIT 32 FOR UPDATE SKIP LOCKED)
						RETURNING id, payload""");
				PreparedStatement ack = connection
					.prepareStatement("DELETE FROM honker._honker_live WHERE id = ANY (?) AND worker_id = 'raw'")) {
			while (true) {
				List<Long> ids = new ArrayList<>();
				claim.setString(1, queue);
				try (ResultSet rows = claim.executeQuery()) {
					while (rows.next()) {
						ids.add(rows.getLong(1));
					}
				}
				if (ids.isEmpty()) {
					return null;
				}
				ack.setArray(1, connection.createArrayOf("bigint", ids.toArray()));
				ack.executeUpdate();
			}
		}
	}

	/** Commits the backlog in one transaction; returns the time of the commit. */
	private static long enqueueBacklog(DataSource pool, String queue) throws SQLException {
		try (Connection connection = pool.getConnection();
				PreparedStatement enqueue = connection.prepareStatement(
						"SELECT count(honker_enqueue(?, '{}', NULL, NULL, 0, 3, NULL)) FROM generate_series(1, ?)")) {
			connection.setAutoCommit(false);
			enqueue.setString(1, queue);
			enqueue.setInt(2, DRAIN_JOBS);
			enqueue.executeQuery().close();
			connection.commit();
			connection.setAutoCommit(true);
			return System.nanoTime();
		}
	}

	private static void awaitEmpty(DataSource pool, String queue) throws SQLException {
		JdbcTemplate jdbc = new JdbcTemplate(pool);
		while (jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM _honker_live WHERE queue = ?)", Boolean.class,
				queue)) {
			LockSupport.parkNanos(5_000_000);
		}
	}

	/** Transactions per second: an order row and a job in each. */
	private static double transactionalEnqueue(DataSource pool, boolean template) {
		HonkerTemplate honker = new HonkerTemplate(pool, JsonMapper.shared());
		JdbcTemplate jdbc = new JdbcTemplate(pool);
		TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(pool));
		Runnable one = () -> transaction.executeWithoutResult(status -> {
			Long order = jdbc.queryForObject("INSERT INTO orders (item) VALUES ('book') RETURNING id", Long.class);
			String payload = "{\"orderId\":" + order + "}";
			if (template) {
				honker.enqueueJson("orders", payload);
			}
			else {
				jdbc.update("INSERT INTO _honker_live (queue, payload) VALUES ('orders', ?)", payload);
			}
		});
		for (int i = 0; i < ENQUEUE_TRANSACTIONS / 10; i++) {
			one.run();
		}
		long start = System.nanoTime();
		for (int i = 0; i < ENQUEUE_TRANSACTIONS; i++) {
			one.run();
		}
		double rate = ENQUEUE_TRANSACTIONS / ((System.nanoTime() - start) / 1e9);
		jdbc.update("DELETE FROM _honker_live WHERE queue = 'orders'");
		return rate;
	}

	private static String[] workerArgs(String url, String queue, String mode) {
		return new String[] { "--spring.datasource.url=" + url, "--worker.queue=" + queue, "--worker.mode=" + mode,
				"--honker.listener.concurrency=4", "--honker.listener.ack-mode=AFTER_HANDLER",
				"--logging.level.root=WARN" };
	}

	private static void awaitLine(BufferedReader output, String prefix) throws IOException {
		for (String line = output.readLine(); line != null; line = output.readLine()) {
			if (line.startsWith(prefix)) {
				return;
			}
		}
		throw new IllegalStateException("child exited before printing '" + prefix + "'");
	}

	private static long handledAt(BufferedReader output, long id) throws IOException {
		String expected = "handled " + id + " ";
		for (String line = output.readLine(); line != null; line = output.readLine()) {
			if (line.startsWith(expected)) {
				return Long.parseLong(line.substring(expected.length()));
			}
		}
		throw new IllegalStateException("worker JVM exited");
	}

	private static double percentile(long[] nanos, int percent) {
		long[] sorted = nanos.clone();
		Arrays.sort(sorted);
		int index = (int) Math.ceil(sorted.length * percent / 100.0) - 1;
		return sorted[Math.max(index, 0)] / 1e6;
	}

	/**
	 * One drain of {@value #DRAIN_JOBS} jobs: its elapsed time, and the CPU time of the
	 * PostgreSQL server (every process) and of the claimers (worker JVMs, or this JVM for
	 * the raw loop) meanwhile.
	 */
	private record Drain(long nanos, long serverCpuNanos, long clientCpuNanos) {

		double jobsPerSecond() {
			return DRAIN_JOBS / (this.nanos / 1e9);
		}

		static Drain median(Drain[] rounds) {
			Drain[] sorted = rounds.clone();
			Arrays.sort(sorted, Comparator.comparingDouble(Drain::jobsPerSecond));
			return sorted[sorted.length / 2];
		}

		@Override
		public String toString() {
			return String.format(Locale.ROOT, "%,.0f jobs/s (CPU per 1,000 jobs: server %.0f ms, claimers %.0f ms)",
					jobsPerSecond(), this.serverCpuNanos / 1e6 / (DRAIN_JOBS / 1000.0),
					this.clientCpuNanos / 1e6 / (DRAIN_JOBS / 1000.0));
		}

	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

}
