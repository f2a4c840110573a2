package dev.honker.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

import dev.honker.spring.listener.ChildJvm;
import dev.honker.spring.listener.HonkerTestPool;
import dev.honker.spring.listener.WorkerMain;
import dev.honker.sqlite.HonkerFunctions;

/**
 * Cross-process wake latency: this process commits a job, a worker application in another
 * JVM runs its {@code @HonkerListener}, whose first line reads {@code System.nanoTime()}
 * (one clock for every process on Linux). The commit's time is taken just before
 * {@code COMMIT} runs. Baselines, measured in the same run: commit to wake of a bare
 * commit-watcher subscription in another JVM, one woken by file events and one polling
 * every millisecond. WAL mode and {@code synchronous=NORMAL} on both sides. Prints p50
 * and p99 of 300 samples per round and the medians over the rounds.
 */
public final class ListenerWakeLatencyBenchmark {

	private static final int SAMPLES = 300;

	private static final int WARM_UP = 100;

	private static final int ROUNDS = 3;

	private ListenerWakeLatencyBenchmark() {
	}

	/** Runs the benchmark. */
	public static void main(String[] args) throws Exception {
		Path directory = Files.createTempDirectory("honker-wake-bench");
		Path file = directory.resolve("bench.db");
		HonkerTestPool.pool(file).close();
		try (Connection connection = open(file);
				Statement statement = connection.createStatement();
				ChildJvm listener = ChildJvm.startPiped(WorkerMain.class, "--worker.db=" + file, "--worker.queue=wake",
						"--worker.mode=print", "--logging.level.root=WARN",
						"--spring.datasource.hikari.data-source-properties.synchronous=NORMAL");
				ChildJvm eventsProbe = ChildJvm.startPiped(WatcherProbeMain.class, file.toString(), "events");
				ChildJvm pollProbe = ChildJvm.startPiped(WatcherProbeMain.class, file.toString(), "poll")) {
			statement.execute("CREATE TABLE IF NOT EXISTS ticks (id INTEGER PRIMARY KEY, at INTEGER)");
			BufferedReader listenerOutput = listener.lines();
			BufferedReader eventsOutput = eventsProbe.lines();
			BufferedReader pollOutput = pollProbe.lines();
			awaitLine(listenerOutput, "worker ready");
			awaitLine(eventsOutput, "watcher ready");
			awaitLine(pollOutput, "watcher ready");
			Sampler listenerSampler = new ListenerSampler(connection, listenerOutput);
			Sampler eventsSampler = new ProbeSampler(connection, eventsOutput);
			Sampler pollSampler = new ProbeSampler(connection, pollOutput);
			listenerSampler.samples(WARM_UP);
			eventsSampler.samples(WARM_UP);
			pollSampler.samples(WARM_UP);
			double[][] p50 = new double[3][ROUNDS];
			double[][] p99 = new double[3][ROUNDS];
			Sampler[] samplers = { listenerSampler, eventsSampler, pollSampler };
			System.out.printf("cross-process wake latency, %d samples per round%n", SAMPLES);
			for (int round = 0; round < ROUNDS; round++) {
				for (int kind = 0; kind < samplers.length; kind++) {
					long[] samples = samplers[kind].samples(SAMPLES);
					p50[kind][round] = percentile(samples, 50);
					p99[kind][round] = percentile(samples, 99);
				}
				System.out.printf(
						"round %d: listener p50 %.2f ms p99 %.2f ms | bare watcher, events p50 %.3f ms p99 %.2f ms"
								+ " | bare watcher, 1 ms poll p50 %.3f ms p99 %.2f ms%n",
						round + 1, p50[0][round], p99[0][round], p50[1][round], p99[1][round], p50[2][round],
						p99[2][round]);
			}
			System.out.printf(
					"median: commit -> @HonkerListener first line p50 %.2f ms, p99 %.2f ms (targets 2 ms, 10 ms)%n",
					median(p50[0]), median(p99[0]));
			System.out.printf(
					"median: commit -> bare watcher wake, events mode p50 %.3f ms, p99 %.2f ms (target p50 0.3 ms);"
							+ " poll mode p50 %.3f ms, p99 %.2f ms; events / poll p50 = %.2fx%n",
					median(p50[1]), median(p99[1]), median(p50[2]), median(p99[2]), median(p50[1]) / median(p50[2]));
		}
	}

	private static Connection open(Path file) throws SQLException {
		Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
		try (Statement statement = connection.createStatement()) {
			statement.execute("PRAGMA journal_mode=WAL");
			statement.execute("PRAGMA busy_timeout=10000");
			statement.execute("PRAGMA synchronous=NORMAL");
		}
		HonkerFunctions.register(connection);
		return connection;
	}

	private static void awaitLine(BufferedReader output, String prefix) throws IOException {
		for (String line = output.readLine(); line != null; line = output.readLine()) {
			if (line.startsWith(prefix)) {
				return;
			}
		}
		throw new IllegalStateException("child exited before printing '" + prefix + "'");
	}

	static double percentile(long[] nanos, int percent) {
		long[] sorted = nanos.clone();
		Arrays.sort(sorted);
		int index = (int) Math.ceil(sorted.length * percent / 100.0) - 1;
		return sorted[Math.max(index, 0)] / 1e6;
	}

	static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

	/**
	 * Takes latency samples: commit something, wait for the other process to report it.
	 */
	private abstract static class Sampler {

		final Connection connection;

		final BufferedReader output;

		Sampler(Connection connection, BufferedReader output) {
			this.connection = connection;
			this.output = output;
		}

		long[] samples(int count) throws Exception {
			long[] nanos = new long[count];
			try (Statement statement = this.connection.createStatement()) {
				for (int i = 0; i < count; i++) {
					statement.execute("BEGIN IMMEDIATE");
					long id = write();
					long committing = System.nanoTime();
					statement.execute("COMMIT");
					nanos[i] = reported(id, committing) - committing;
					// Not synchronisation: a random gap of 1 to 3 ms, to the nanosecond,
					// so that commits fall at every phase of a 1 ms poll (whole
					// milliseconds of sleep lock the commits to the poller's timer).
					LockSupport.parkNanos(1_000_000 + ThreadLocalRandom.current().nextLong(2_000_000));
				}
			}
			return nanos;
		}

		/**
		 * Writes inside the open transaction; returns what identifies the write in the
		 * child's report.
		 */
		abstract long write() throws SQLException;

		/** The child's {@code System.nanoTime()} when it saw the write. */
		abstract long reported(long id, long committing) throws IOException;

		String nextLine() throws IOException {
			String line = this.output.readLine();
			if (line == null) {
				throw new IllegalStateException("child JVM exited");
			}
			return line;
		}

	}

	private static final class ListenerSampler extends Sampler {

		private final PreparedStatement enqueue;

		ListenerSampler(Connection connection, BufferedReader output) throws SQLException {
			super(connection, output);
			this.enqueue = connection.prepareStatement("SELECT honker_enqueue('wake', '{}', NULL, NULL, 0, 3, NULL)");
		}

		@Override
		long write() throws SQLException {
			try (ResultSet row = this.enqueue.executeQuery()) {
				row.next();
				return row.getLong(1);
			}
		}

		@Override
		long reported(long id, long committing) throws IOException {
			String expected = "handled " + id + " ";
			for (String line = nextLine();; line = nextLine()) {
				if (line.startsWith(expected)) {
					return Long.parseLong(line.substring(expected.length()));
				}
			}
		}

	}

	private static final class ProbeSampler extends Sampler {

		private final PreparedStatement insert;

		ProbeSampler(Connection connection, BufferedReader output) throws SQLException {
			super(connection, output);
			this.insert = connection.prepareStatement("INSERT INTO ticks (at) VALUES (1)");
		}

		@Override
		long write() throws SQLException {
			this.insert.executeUpdate();
			return 0;
		}

		@Override
		long reported(long id, long committing) throws IOException {
			for (String line = nextLine();; line = nextLine()) {
				if (line.startsWith("woke ")) {
					long woke = Long.parseLong(line.substring("woke ".length()));
					if (woke > committing) {
						return woke;
					}
				}
			}
		}

	}

}
