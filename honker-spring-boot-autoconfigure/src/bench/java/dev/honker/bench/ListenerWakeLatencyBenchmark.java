package dev.honker.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

import dev.honker.spring.listener.ChildJvm;
import dev.honker.spring.listener.HonkerTestPool;
import dev.honker.spring.listener.WorkerMain;

/**
 * Cross-process latency from a producer's transaction to the first line of a
 * {@code @HonkerListener} in another JVM: the time is taken inside the producer's
 * {@code BEGIN IMMEDIATE} transaction just before {@code honker_enqueue}, so the enqueue
 * and the commit are included; the listener's first line reads {@code System.nanoTime()}
 * (one clock for every process on Linux). Workers, each in its own JVM, started in turn
 * for each round so that only one process watches the file at a time:
 * <ul>
 * <li>a Boot worker with {@code concurrency = 4}, ack mode {@code AFTER_HANDLER};</li>
 * <li>the same with {@code honker.watcher.background-checkpoint=false} (on by default),
 * where SQLite's automatic checkpoint runs inside whichever commit takes the WAL to 1,000
 * pages;</li>
 * <li>the same with ack mode {@code TRANSACTIONAL};</li>
 * <li>the raw baseline ({@link RawClaimerMain}): a 1 ms {@code data_version} poller that
 * claims by itself with {@code honker_claim_batch} and reports when its claim
 * committed;</li>
 * <li>bare commit-watcher subscriptions ({@link WatcherProbeMain}) in events and in 1 ms
 * poll mode, to commits of a plain row: the wake alone.</li>
 * </ul>
 * WAL and {@code synchronous=NORMAL} everywhere. Commits are 1 to 3 ms apart, at random to
 * the nanosecond. Each round takes two sets of 1,000 samples of each process (1,000, so
 * that the p99 is the 10th worst sample, not the 3rd): its first jobs, after 1,000
 * warm-up samples, and a warm process, after 5,000 jobs. A thousand jobs are not enough
 * for a JVM to settle: the methods of the wake and claim path (in the worker) and of the
 * enqueue (in the producer) are invoked a few times per job and reach C2's thresholds
 * (some 5,000 invocations) only during the first set, whose tail holds the compilations'
 * competition for the two cores. Prints p50 and p99 per round and set, and the medians
 * over the rounds.
 */
public final class ListenerWakeLatencyBenchmark {

	private static final int SAMPLES = 1_000;

	/** The jobs before the first set of samples. */
	private static final int WARM_UP = 1_000;

	/** The jobs between the two sets, so that the second starts after 5,000 jobs. */
	private static final int SETTLE = 3_000;

	/** The names of the two sets of samples. */
	private static final List<String> SETS = List.of("first jobs (after 1,000)", "warm (after 5,000 jobs)");

	private static final int ROUNDS = 3;

	private ListenerWakeLatencyBenchmark() {
	}

	/** Runs the benchmark. */
	public static void main(String[] args) throws Exception {
		Path directory = Files.createTempDirectory("honker-wake-bench");
		Path file = directory.resolve("bench.db");
		HonkerTestPool.pool(file).close();
		List<Kind> kinds = List.of(
				new Kind("@HonkerListener, concurrency 4, AFTER_HANDLER", true,
						worker(file, "after", "after-handler", true)),
				new Kind("AFTER_HANDLER, background checkpoint off", true,
						worker(file, "after-no-ckpt", "after-handler", false)),
				new Kind("@HonkerListener, concurrency 4, TRANSACTIONAL", true,
						worker(file, "transactional", "transactional", true)),
				new Kind("raw 1 ms data_version poller claiming by itself", true,
						new String[] { RawClaimerMain.class.getName(), file.toString(), "raw" }),
				new Kind("bare watcher wake, events mode", false,
						new String[] { WatcherProbeMain.class.getName(), file.toString(), "events" }),
				new Kind("bare watcher wake, 1 ms poll mode", false,
						new String[] { WatcherProbeMain.class.getName(), file.toString(), "poll" }));
		try (Connection connection = BenchDatabase.connect(file); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS ticks (id INTEGER PRIMARY KEY, at INTEGER)");
			System.out.printf(Locale.ROOT,
					"commit-to-handler latency, timestamp before the enqueue inside the producer's transaction; %d"
							+ " samples per set: %s and %s; %d cores, load average at start %s%n",
					SAMPLES, SETS.get(0), SETS.get(1), Runtime.getRuntime().availableProcessors(), loadAverage());
			for (int round = 0; round < ROUNDS; round++) {
				for (Kind kind : kinds) {
					kind.measure(connection, round);
				}
				for (int set = 0; set < SETS.size(); set++) {
					StringBuilder line = new StringBuilder("round " + (round + 1) + ", " + SETS.get(set) + ":");
					for (Kind kind : kinds) {
						line.append(String.format(Locale.ROOT, " | %s p50 %.3f p99 %.2f", kind.name,
								kind.p50[set][round], kind.p99[set][round]));
					}
					System.out.println(line);
				}
			}
			for (int set = 0; set < SETS.size(); set++) {
				printMedians(kinds, set);
			}
			System.out.println("load average at end " + loadAverage());
		}
	}

	private static void printMedians(List<Kind> kinds, int set) {
		System.out.println(SETS.get(set) + ":");
		for (Kind kind : kinds) {
			System.out.printf(Locale.ROOT, "  median: %-50s p50 %.3f ms, p99 %.2f ms%n", kind.name,
					median(kind.p50[set]), median(kind.p99[set]));
		}
		Kind after = kinds.get(0);
		Kind afterWithoutCheckpoint = kinds.get(1);
		Kind transactional = kinds.get(2);
		Kind raw = kinds.get(3);
		Kind events = kinds.get(4);
		System.out.printf(Locale.ROOT,
				"  targets: AFTER_HANDLER p50 %.3f ms (<= 0.8) and p99 %.2f ms (<= 3), TRANSACTIONAL p50 %.3f ms"
						+ " (<= 1.5), bare events wake p50 %.3f ms (<= 0.3)%n",
				median(after.p50[set]), median(after.p99[set]), median(transactional.p50[set]),
				median(events.p50[set]));
		System.out.printf(Locale.ROOT,
				"  AFTER_HANDLER with / without the background checkpoint: p50 %.3f / %.3f ms, p99 %.2f / %.2f ms ="
						+ " %.2fx%n",
				median(after.p50[set]), median(afterWithoutCheckpoint.p50[set]), median(after.p99[set]),
				median(afterWithoutCheckpoint.p99[set]),
				median(after.p99[set]) / median(afterWithoutCheckpoint.p99[set]));
		System.out.printf(Locale.ROOT,
				"  same-run ratios to the raw poller (SQLite's automatic checkpoint in its commits): AFTER_HANDLER"
						+ " p50 %.2fx, p99 %.2fx; TRANSACTIONAL / AFTER_HANDLER p50 %.2fx%n",
				median(after.p50[set]) / median(raw.p50[set]), median(after.p99[set]) / median(raw.p99[set]),
				median(transactional.p50[set]) / median(after.p50[set]));
	}

	private static String[] worker(Path file, String queue, String ackMode, boolean backgroundCheckpoint) {
		return new String[] { WorkerMain.class.getName(), "--worker.db=" + file, "--worker.queue=" + queue,
				"--worker.mode=print", "--honker.listener.concurrency=4", "--honker.listener.ack-mode=" + ackMode,
				"--honker.watcher.background-checkpoint=" + backgroundCheckpoint, "--logging.level.root=WARN",
				"--spring.datasource.hikari.data-source-properties.synchronous=NORMAL" };
	}

	/** The 1, 5 and 15 minute load averages, where the OS reports them. */
	static String loadAverage() {
		try {
			String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
			return fields[0] + " " + fields[1] + " " + fields[2];
		}
		catch (IOException ex) {
			return "unknown";
		}
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

	/** One kind of process that reports commits. */
	private static final class Kind {

		final String name;

		final boolean enqueues;

		final String[] command;

		/** By set of samples, then by round. */
		final double[][] p50 = new double[SETS.size()][ROUNDS];

		/** By set of samples, then by round. */
		final double[][] p99 = new double[SETS.size()][ROUNDS];

		Kind(String name, boolean enqueues, String[] command) {
			this.name = name;
			this.enqueues = enqueues;
			this.command = command;
		}

		/**
		 * Starts the process, takes the warm-up and both sets of samples, records their
		 * percentiles for {@code round}, stops it.
		 */
		void measure(Connection connection, int round) throws Exception {
			Class<?> main = Class.forName(this.command[0]);
			String[] args = Arrays.copyOfRange(this.command, 1, this.command.length);
			try (ChildJvm child = ChildJvm.startPiped(main, args);
					PreparedStatement write = connection.prepareStatement(this.enqueues
							? "SELECT honker_enqueue(?, '{}', NULL, NULL, 0, 3, NULL)"
							: "INSERT INTO ticks (at) VALUES (?) RETURNING id")) {
				BufferedReader output = child.lines();
				awaitLine(output, this.enqueues ? "worker ready" : "watcher ready");
				String queue = this.enqueues ? queueOf(this.command) : null;
				samples(connection, write, queue, output, WARM_UP);
				record(0, round, samples(connection, write, queue, output, SAMPLES));
				samples(connection, write, queue, output, SETTLE);
				record(1, round, samples(connection, write, queue, output, SAMPLES));
			}
		}

		private void record(int set, int round, long[] samples) {
			this.p50[set][round] = percentile(samples, 50);
			this.p99[set][round] = percentile(samples, 99);
		}

		private static long[] samples(Connection connection, PreparedStatement write, String queue,
				BufferedReader output, int count) throws Exception {
			long[] nanos = new long[count];
			try (Statement statement = connection.createStatement()) {
				for (int i = 0; i < count; i++) {
					statement.execute("BEGIN IMMEDIATE");
					long start = System.nanoTime();
					if (queue != null) {
						write.setString(1, queue);
					}
					else {
						write.setLong(1, start);
					}
					long id;
					try (ResultSet row = write.executeQuery()) {
						row.next();
						id = row.getLong(1);
					}
					statement.execute("COMMIT");
					nanos[i] = reported(output, queue != null ? id : -1, start) - start;
					// Not synchronisation: a random gap of 1 to 3 ms, to the nanosecond,
					// so that commits fall at every phase of a 1 ms poll (whole
					// milliseconds of sleep lock the commits to the poller's timer).
					LockSupport.parkNanos(1_000_000 + ThreadLocalRandom.current().nextLong(2_000_000));
				}
			}
			return nanos;
		}

		/** The child's {@code System.nanoTime()} when it saw job {@code id} (or any wake). */
		private static long reported(BufferedReader output, long id, long start) throws IOException {
			String expected = (id >= 0) ? "handled " + id + " " : "woke ";
			for (String line = output.readLine(); line != null; line = output.readLine()) {
				if (line.startsWith(expected)) {
					long at = Long.parseLong(line.substring(expected.length()));
					if (at > start) {
						return at;
					}
				}
			}
			throw new IllegalStateException("child JVM exited");
		}

		private static String queueOf(String[] command) {
			for (String arg : command) {
				if (arg.startsWith("--worker.queue=")) {
					return arg.substring("--worker.queue=".length());
				}
			}
			return command[2]; // RawClaimerMain's arguments: the file, the queue, ...
		}

	}

}
