package dev.honker.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.LongStream;

import dev.honker.spring.listener.ChildJvm;
import dev.honker.spring.listener.HonkerTestPool;

/**
 * Where the time goes between a producer's commit and the first line of a
 * {@code @HonkerListener} (concurrency 4) in another JVM, step by step, in ack modes
 * {@code AFTER_HANDLER} and {@code TRANSACTIONAL}. The producer takes
 * {@code System.nanoTime()} just before {@code honker_enqueue} inside its
 * {@code BEGIN IMMEDIATE} transaction and again when {@code COMMIT} returns; the worker
 * ({@link WakePathWorkerMain}) reports its own {@code System.nanoTime()} at each step (one
 * clock for every process on Linux):
 * <ol>
 * <li>enqueue and commit, in the producer;</li>
 * <li>commit to the watcher's wake (a second subscription to the worker's watcher);</li>
 * <li>wake to the start of the claim (the listener thread asks for a connection);</li>
 * <li>claim start to the write lock (the read that checks for claimable jobs, then
 * {@code BEGIN IMMEDIATE});</li>
 * <li>write lock to the claim's commit ({@code honker_claim_batch}, the claimed jobs'
 * details, {@code COMMIT});</li>
 * <li>claim commit to a handler thread starting the job (hand-off);</li>
 * <li>handler thread to the handler's first line (interceptors, payload conversion, and in
 * {@code TRANSACTIONAL} mode the handler's transaction).</li>
 * </ol>
 * WAL and {@code synchronous=NORMAL}; commits 1 to 3 ms apart, at random to the
 * nanosecond; each worker alone on the file. Per ack mode: 3 rounds (alternating the
 * modes) of 1,000 samples after 1,000 warm-up; prints p50 and p99 of each step per round,
 * then their medians over the rounds. Then, for the tail: the samples whose total is at
 * or above its round's p99 (the slowest 1%, the samples that make the p99), pooled over
 * the rounds, with the median and the mean of each step among them, which step was the
 * largest in each, and how many of them came right after a checkpoint wrote the database file (its
 * modification time changed since the previous sample: in WAL mode only checkpoints write
 * it) or a garbage collection in the worker, against the share of all samples.
 */
public final class WakePathBreakdownBenchmark {

	private static final int SAMPLES = 1_000;

	private static final int WARM_UP = 1_000;

	private static final int ROUNDS = 3;

	private static final String[] STEPS = { "enqueue + commit (producer)", "commit -> watcher wake",
			"wake -> claim starts", "claim start -> write lock", "write lock -> claim committed",
			"claim committed -> handler thread", "handler thread -> first line", "commit -> first line",
			"total: before enqueue -> first line" };

	private WakePathBreakdownBenchmark() {
	}

	/** Runs the benchmark. */
	public static void main(String[] args) throws Exception {
		Path directory = Files.createTempDirectory("honker-wake-path-bench");
		Path file = directory.resolve("bench.db");
		HonkerTestPool.pool(file).close();
		List<String> modes = List.of("after-handler", "transactional");
		double[][][][] figures = new double[modes.size()][STEPS.length][2][ROUNDS];
		List<List<Sample>> tails = new ArrayList<>();
		int[][] allFlags = new int[modes.size()][3];
		modes.forEach((mode) -> tails.add(new ArrayList<>()));
		try (Connection connection = BenchDatabase.connect(file)) {
			System.out.printf(Locale.ROOT,
					"commit-to-handler path step by step, ms; %d samples per round after %d warm-up; worker concurrency"
							+ " 4, background WAL checkpoint on (the default); %d cores, load average at start %s%n",
					SAMPLES, WARM_UP, Runtime.getRuntime().availableProcessors(),
					ListenerWakeLatencyBenchmark.loadAverage());
			for (int round = 0; round < ROUNDS; round++) {
				for (int m = 0; m < modes.size(); m++) {
					Round measured = measure(connection, file, modes.get(m));
					long[][] steps = measured.steps();
					tails.get(m).addAll(measured.tail());
					allFlags[m][0] += SAMPLES;
					allFlags[m][1] += count(measured.checkpointed());
					allFlags[m][2] += count(measured.collected());
					System.out.printf(Locale.ROOT, "round %d, %s:%n", round + 1, modes.get(m));
					for (int step = 0; step < STEPS.length; step++) {
						figures[m][step][0][round] = ListenerWakeLatencyBenchmark.percentile(steps[step], 50);
						figures[m][step][1][round] = ListenerWakeLatencyBenchmark.percentile(steps[step], 99);
						System.out.printf(Locale.ROOT, "  %-40s p50 %7.3f  p99 %7.3f%n", STEPS[step],
								figures[m][step][0][round], figures[m][step][1][round]);
					}
				}
			}
		}
		for (int m = 0; m < modes.size(); m++) {
			System.out.printf(Locale.ROOT, "median of %d rounds, %s (ms):%n", ROUNDS, modes.get(m));
			for (int step = 0; step < STEPS.length; step++) {
				System.out.printf(Locale.ROOT, "  %-40s p50 %7.3f  p99 %7.3f%n", STEPS[step],
						ListenerWakeLatencyBenchmark.median(figures[m][step][0]),
						ListenerWakeLatencyBenchmark.median(figures[m][step][1]));
			}
		}
		for (int m = 0; m < modes.size(); m++) {
			printTail(modes.get(m), tails.get(m), allFlags[m]);
		}
		System.out.println("targets (issue 12, ListenerWakeLatencyBenchmark): AFTER_HANDLER total p50 <= 0.8 ms,"
				+ " p99 <= 3 ms; TRANSACTIONAL total p50 <= 1.5 ms");
	}

	/**
	 * The tail of one ack mode: the step medians among its samples, which step was the
	 * largest, and how many followed a checkpoint or a collection.
	 */
	private static void printTail(String mode, List<Sample> tail, int[] all) {
		System.out.printf(Locale.ROOT,
				"tail, %s: the %d samples at or above their round's total p99, pooled (ms; each step's median and"
						+ " mean among them; how often it was the sample's largest step):%n",
				mode, tail.size());
		int[] largest = new int[7];
		for (Sample sample : tail) {
			int max = 0;
			for (int step = 1; step < 7; step++) {
				max = (sample.steps()[step] > sample.steps()[max]) ? step : max;
			}
			largest[max]++;
		}
		for (int step = 0; step < STEPS.length; step++) {
			int index = step;
			long[] values = tail.stream().mapToLong((sample) -> sample.steps()[index]).toArray();
			System.out.printf(Locale.ROOT, "  %-40s median %7.3f  mean %7.3f  %s%n", STEPS[step],
					ListenerWakeLatencyBenchmark.percentile(values, 50),
					LongStream.of(values).average().orElse(0) / 1e6, (step < 7) ? "largest in " + largest[step] : "");
		}
		long checkpointed = tail.stream().filter(Sample::checkpointed).count();
		long collected = tail.stream().filter(Sample::collected).count();
		System.out.printf(Locale.ROOT,
				"  after a checkpoint wrote the database: %d of %d (all samples: %.1f%%); after a GC in the worker:"
						+ " %d of %d (all samples: %.1f%%)%n",
				checkpointed, tail.size(), 100.0 * all[1] / all[0], collected, tail.size(), 100.0 * all[2] / all[0]);
	}

	private static int count(boolean[] flags) {
		int count = 0;
		for (boolean flag : flags) {
			count += flag ? 1 : 0;
		}
		return count;
	}

	/** Starts a worker in {@code ackMode}, takes the warm-up and the samples, stops it. */
	private static Round measure(Connection connection, Path file, String ackMode) throws Exception {
		try (ChildJvm worker = ChildJvm.startPiped(WakePathWorkerMain.class, "--worker.db=" + file,
				"--honker.listener.ack-mode=" + ackMode);
				PreparedStatement enqueue = connection
					.prepareStatement("SELECT honker_enqueue(?, '{}', NULL, NULL, 0, 3, NULL)");
				Statement statement = connection.createStatement()) {
			BufferedReader output = worker.lines();
			for (String line = output.readLine(); line == null || !line.startsWith("worker ready");
					line = output.readLine()) {
				if (line == null) {
					throw new IllegalStateException("worker exited before it was ready");
				}
			}
			enqueue.setString(1, WakePathWorkerMain.QUEUE);
			long[][] steps = new long[STEPS.length][SAMPLES];
			boolean[] checkpointed = new boolean[SAMPLES];
			boolean[] collected = new boolean[SAMPLES];
			FileTime written = Files.getLastModifiedTime(file);
			long collections = 0;
			for (int i = -WARM_UP; i < SAMPLES; i++) {
				statement.execute("BEGIN IMMEDIATE");
				long start = System.nanoTime();
				long id;
				try (ResultSet row = enqueue.executeQuery()) {
					row.next();
					id = row.getLong(1);
				}
				statement.execute("COMMIT");
				long committed = System.nanoTime();
				long[] report = reported(output, id);
				FileTime writtenNow = Files.getLastModifiedTime(file);
				if (i >= 0) {
					checkpointed[i] = !writtenNow.equals(written);
					collected[i] = report[6] != collections;

					long firstLine = report[0];
					long wake = (report[1] >= committed) ? report[1] : report[2];
					long[] at = { start, committed, wake, report[2], report[3], report[4], report[5], firstLine };
					for (int step = 0; step < 7; step++) {
						steps[step][i] = at[step + 1] - at[step];
					}
					steps[7][i] = firstLine - committed;
					steps[8][i] = firstLine - start;
				}
				written = writtenNow;
				collections = report[6];
				// Not synchronisation: a random gap of 1 to 3 ms, to the nanosecond, so
				// that commits fall at every phase of the worker's timers.
				LockSupport.parkNanos(1_000_000 + ThreadLocalRandom.current().nextLong(2_000_000));
			}
			return new Round(steps, checkpointed, collected);
		}
	}

	/**
	 * The worker's report of job {@code id}: first line, wake, claim start, lock, claim
	 * commit, handler thread, collections so far.
	 */
	private static long[] reported(BufferedReader output, long id) throws IOException {
		String expected = "handled " + id + " ";
		for (String line = output.readLine(); line != null; line = output.readLine()) {
			if (line.startsWith("untimed " + id)) {
				throw new IllegalStateException("the worker could not time job " + id);
			}
			if (line.startsWith(expected)) {
				String[] parts = line.substring(expected.length()).split(" ");
				long[] values = new long[parts.length];
				for (int i = 0; i < parts.length; i++) {
					values[i] = Long.parseLong(parts[i]);
				}
				return values;
			}
		}
		throw new IllegalStateException("worker JVM exited");
	}

	/**
	 * One round of one ack mode: each step of each sample, and whether a checkpoint wrote
	 * the database file or the worker collected garbage since the previous sample.
	 */
	private record Round(long[][] steps, boolean[] checkpointed, boolean[] collected) {

		/** The samples at or above the total's p99. */
		List<Sample> tail() {
			long[] totals = this.steps[STEPS.length - 1];
			double p99 = ListenerWakeLatencyBenchmark.percentile(totals, 99);
			List<Sample> tail = new ArrayList<>();
			for (int i = 0; i < totals.length; i++) {
				if (totals[i] / 1e6 >= p99) {
					long[] sample = new long[STEPS.length];
					for (int step = 0; step < STEPS.length; step++) {
						sample[step] = this.steps[step][i];
					}
					tail.add(new Sample(sample, this.checkpointed[i], this.collected[i]));
				}
			}
			return tail;
		}

	}

	/** One sample's steps, and whether a checkpoint or a collection came before it. */
	private record Sample(long[] steps, boolean checkpointed, boolean collected) {
	}

}
