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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
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
 * included. Commits 1 to 3 ms apart; {@value #WAKE_SAMPLES} samples after
 * {@value #WAKE_WARM_UP} warm-up. Broken down with a {@code LISTEN} connection of this JVM
 * that records when each notification arrives: the producer's enqueue and commit, the
 * server's delivery of the notification to another process, and the worker's own part
 * (its LISTEN thread reading the notification, the hand-off to the listener's thread, the
 * claim's round trip, the hand-off to a handler thread).</li>
 * <li><b>Drain</b>: {@value #DRAIN_JOBS} jobs committed in one transaction, drained by 1,
 * 2 and 4 worker JVMs (Boot, {@code AFTER_HANDLER}, concurrency 4, a handler that does
 * nothing), against the same number of raw claimers, each a thread of this JVM with its
 * own connection, running a bare {@code SELECT ... FOR UPDATE SKIP LOCKED} claim of 32
 * and a {@code DELETE} ack per batch. Besides jobs per second, the CPU time per 1,000
 * jobs of the PostgreSQL server (all its processes) and of the claimers (the worker JVMs,
 * or this JVM for the raw loop), from {@code /proc} (Linux): on a machine whose cores the
 * server and the workers share, drain grows with workers only while there is CPU left
 * for both.</li>
 * <li><b>Transactional enqueue</b>: an order row plus {@code HonkerTemplate.enqueue} in
 * one Spring transaction, against the same order row plus a plain {@code INSERT} of the
 * job row into {@code _honker_live}.</li>
 * </ol>
 * Prints every round and the medians over {@value #ROUNDS} rounds, with the targets.
 */
public final class PostgresBenchmark {

	private static final int ROUNDS = 3;

	private static final int WAKE_SAMPLES = 1_000;

	private static final int WAKE_WARM_UP = 500;

	private static final String[] WAKE_STEPS = { "before enqueue -> handler's first line in the worker JVM",
			"  before enqueue -> commit returned (producer)",
			"  before enqueue -> notification received by a LISTEN probe in this JVM",
			"  notification received -> handler's first line (worker: LISTEN read, hand-off, claim, dispatch)" };

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
		double[][][] wake = new double[WAKE_STEPS.length][2][ROUNDS];
		Drain[][] drain = new Drain[WORKERS.length * 2][ROUNDS];
		double[][] enqueue = new double[2][ROUNDS];
		try (HikariDataSource pool = pool(url)) {
			ProcessHandle server = server(pool);
			for (int round = 0; round < ROUNDS; round++) {
				if (parts.contains("wake")) {
					long[][] samples = wake(url, pool);
					for (int step = 0; step < WAKE_STEPS.length; step++) {
						wake[step][0][round] = percentile(samples[step], 50);
						wake[step][1][round] = percentile(samples[step], 99);
						System.out.printf(Locale.ROOT, "round %d: wake %-90s p50 %.3f ms, p99 %.2f ms%n", round + 1,
								WAKE_STEPS[step], wake[step][0][round], wake[step][1][round]);
					}
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
			for (int step = 0; step < WAKE_STEPS.length; step++) {
				System.out.printf(Locale.ROOT, "median: wake %-90s p50 %.3f ms, p99 %.2f ms%s%n", WAKE_STEPS[step],
						median(wake[step][0]), median(wake[step][1]),
						(step == 0) ? " (targets p50 <= 2 ms, p99 <= 10 ms)" : "");
			}
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

	/**
	 * Wake samples of one worker JVM, after a warm-up: for each, the times from before the
	 * enqueue to the commit's return, to a {@code LISTEN} connection of this JVM receiving
	 * the notification, and to the handler's first line in the worker.
	 */
	private static long[][] wake(String url, DataSource pool) throws Exception {
		try (ChildJvm child = ChildJvm.startPiped(WorkerMain.class, workerArgs(url, "wake", "print"));
				NotificationProbe probe = new NotificationProbe(url);
				Connection connection = pool.getConnection();
				PreparedStatement enqueue = connection
					.prepareStatement("SELECT honker_enqueue('wake', '{}', NULL, NULL, 0, 3, NULL)")) {
			BufferedReader output = child.lines();
			awaitLine(output, "worker ready");
			connection.setAutoCommit(false);
			sample(connection, enqueue, output, probe, WAKE_WARM_UP);
			return sample(connection, enqueue, output, probe, WAKE_SAMPLES);
		}
	}

	private static long[][] sample(Connection connection, PreparedStatement enqueue, BufferedReader output,
			NotificationProbe probe, int count) throws Exception {
		long[][] nanos = new long[WAKE_STEPS.length][count];
		for (int i = 0; i < count; i++) {
			probe.arrivals.clear();
			long start = System.nanoTime();
			long id;
			try (ResultSet row = enqueue.executeQuery()) {
				row.next();
				id = row.getLong(1);
			}
			connection.commit();
			long committed = System.nanoTime();
			long handled = handledAt(output, id);
			Long notified = probe.arrivals.poll(10, TimeUnit.SECONDS);
			if (notified == null) {
				throw new IllegalStateException("the probe received no notification for job " + id);
			}
			nanos[0][i] = handled - start;
			nanos[1][i] = committed - start;
			nanos[2][i] = notified - start;
			nanos[3][i] = handled - notified;
			// Not synchronisation: a random gap of 1 to 3 ms between commits.
			LockSupport.parkNanos(1_000_000 + ThreadLocalRandom.current().nextLong(2_000_000));
		}
		return nanos;
	}

	/**
	 * A {@code LISTEN honker} connection of this JVM on a thread of its own, recording when
	 * each notification arrives: how long PostgreSQL takes to deliver a commit's wake to
	 * another process, the part of the wake that no worker code runs in.
	 */
	private static final class NotificationProbe implements AutoCloseable {

		final BlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();

		private final Connection connection;

		private final Thread thread;

		NotificationProbe(String url) throws SQLException {
			this.connection = DriverManager.getConnection(url);
			try (Statement statement = this.connection.createStatement()) {
				statement.execute("LISTEN honker");
			}
			this.thread = new Thread(this::receive, "notification-probe");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		private void receive() {
			try {
				PGConnection listening = this.connection.unwrap(PGConnection.class);
				while (true) {
					PGNotification[] notifications = listening.getNotifications(0);
					long now = System.nanoTime();
					for (int i = 0; notifications != null && i < notifications.length; i++) {
						this.arrivals.add(now);
					}
				}
			}
			catch (SQLException ex) {
				// closed
			}
		}

		@Override
		public void close() throws SQLException {
			this.connection.close();
		}

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
