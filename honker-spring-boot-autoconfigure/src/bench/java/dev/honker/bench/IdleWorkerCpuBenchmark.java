package dev.honker.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.honker.spring.listener.ChildJvm;
import dev.honker.spring.listener.HonkerTestPool;
import dev.honker.spring.listener.WorkerMain;

/**
 * CPU use of an idle worker process: a Boot application in its own JVM with one
 * {@code @HonkerListener}, with nothing to do, once with the commit watcher woken by file
 * events ({@code honker.watcher.mode=events}) and once polling every millisecond
 * ({@code poll}). Measured from the process's CPU time in {@code /proc/<pid>/stat}
 * (Linux) over 10 s after a 5 s warm-up, as a share of one core. Baseline, measured in
 * the same run: the same application with {@code honker.enabled=false} (no watcher, no
 * listener), and a JVM that only sleeps a millisecond at a time ({@link SleepLoopMain}),
 * the floor of any 1 ms poller on this machine. For the events-mode worker and the app
 * without Honker it also prints where the CPU went, by group of threads
 * ({@link ThreadGroupCpu}: Honker's watcher, checkpoint, claim thread and other threads,
 * Hikari, the JVM's JIT compilers, GC and other threads), from each thread's
 * {@code /proc/<pid>/task/<tid>/schedstat} over the same window.
 *
 * <p>
 * Those first seconds of a worker are not yet its steady state: the watcher's safety
 * poll wakes ten times a second, so its code runs interpreted for the first 20 s or so,
 * and the JIT is still compiling Honker's code (in poll mode, the thousand reads a second
 * are compiled then). So the two workers and the app without Honker are measured again,
 * alike, over a second window of 30 s starting a minute after they were ready: the idle
 * cost a worker pays all day.
 */
public final class IdleWorkerCpuBenchmark {

	private static final int ROUNDS = 3;

	/** The first window: the worker's first seconds, 10 s after a 5 s warm-up. */
	private static final Window FIRST = new Window(Duration.ofSeconds(5), Duration.ofSeconds(10));

	/** The second window: a worker that has been idle for a minute. */
	private static final Window STEADY = new Window(Duration.ofSeconds(60), Duration.ofSeconds(30));

	/** USER_HZ is 100 on Linux. */
	private static final long TICK_NANOS = 10_000_000;

	private IdleWorkerCpuBenchmark() {
	}

	/** Runs the benchmark. */
	public static void main(String[] args) throws Exception {
		Path directory = Files.createTempDirectory("honker-idle-bench");
		Path file = directory.resolve("bench.db");
		HonkerTestPool.pool(file).close();
		double[] events = new double[ROUNDS];
		double[] poll = new double[ROUNDS];
		double[] baseline = new double[ROUNDS];
		double[] sleeper = new double[ROUNDS];
		double[] steadyEvents = new double[ROUNDS];
		double[] steadyBaseline = new double[ROUNDS];
		double[] steadyPoll = new double[ROUNDS];
		List<Map<String, Double>> eventsGroups = new ArrayList<>();
		List<Map<String, Double>> baselineGroups = new ArrayList<>();
		List<Map<String, Double>> steadyEventsGroups = new ArrayList<>();
		List<Map<String, Double>> steadyBaselineGroups = new ArrayList<>();
		System.out.printf("idle worker process CPU, %s; the workers and the app without Honker also %s%n", FIRST,
				STEADY);
		for (int round = 0; round < ROUNDS; round++) {
			List<Measurement> eventsRound = idleCpu(file, "--honker.watcher.mode=events", FIRST, STEADY);
			List<Measurement> pollRound = idleCpu(file, "--honker.watcher.mode=poll --honker.watcher.poll-interval=1ms",
					FIRST, STEADY);
			poll[round] = pollRound.get(0).percent();
			steadyPoll[round] = pollRound.get(1).percent();
			List<Measurement> baselineRound = idleCpu(file, "--honker.enabled=false --worker.keep-alive=true", FIRST,
					STEADY);
			sleeper[round] = measure(SleepLoopMain.class, List.of(FIRST)).get(0).percent();
			events[round] = eventsRound.get(0).percent();
			baseline[round] = baselineRound.get(0).percent();
			steadyEvents[round] = eventsRound.get(1).percent();
			steadyBaseline[round] = baselineRound.get(1).percent();
			eventsGroups.add(eventsRound.get(0).byGroup());
			baselineGroups.add(baselineRound.get(0).byGroup());
			steadyEventsGroups.add(eventsRound.get(1).byGroup());
			steadyBaselineGroups.add(baselineRound.get(1).byGroup());
			System.out.printf(Locale.ROOT,
					"round %d: worker, events mode %.2f%% of one core | worker, 1 ms poll %.2f%% | same app without"
							+ " Honker %.2f%% | 1 ms sleep loop %.2f%% | steady state: worker, events mode %.2f%%, 1 ms"
							+ " poll %.2f%%, same app without Honker %.2f%%; load average %s%n",
					round + 1, events[round], poll[round], baseline[round], sleeper[round], steadyEvents[round],
					steadyPoll[round], steadyBaseline[round], ListenerWakeLatencyBenchmark.loadAverage());
			System.out.println(
					"  by thread group, events-mode worker: " + ThreadGroupCpu.describe(eventsRound.get(0).byGroup()));
			System.out.println(
					"  by thread group, app without Honker: " + ThreadGroupCpu.describe(baselineRound.get(0).byGroup()));
			System.out.println("  steady state by thread group, events-mode worker: "
					+ ThreadGroupCpu.describe(eventsRound.get(1).byGroup()));
			System.out.println("  steady state by thread group, app without Honker: "
					+ ThreadGroupCpu.describe(baselineRound.get(1).byGroup()));
		}
		System.out.printf(Locale.ROOT,
				"median, first seconds: idle worker, events mode %.2f%% of one core (target 0.5%%), 1 ms poll mode"
						+ " %.2f%% (target 3%%), without Honker %.2f%%, bare 1 ms sleep loop %.2f%%%n",
				median(events), median(poll), median(baseline), median(sleeper));
		System.out.printf(Locale.ROOT,
				"median, steady state: idle worker, events mode %.2f%% of one core (target 0.5%%), 1 ms poll mode"
						+ " %.2f%% (target 3%%), without Honker %.2f%%%n",
				median(steadyEvents), median(steadyPoll), median(steadyBaseline));
		System.out.println("median by thread group (% of one core, schedstat), first seconds, events-mode worker: "
				+ ThreadGroupCpu.describe(medianByGroup(eventsGroups)));
		System.out.println("median by thread group (% of one core, schedstat), first seconds, app without Honker: "
				+ ThreadGroupCpu.describe(medianByGroup(baselineGroups)));
		System.out.println("median by thread group (% of one core, schedstat), steady state, events-mode worker: "
				+ ThreadGroupCpu.describe(medianByGroup(steadyEventsGroups)));
		System.out.println("median by thread group (% of one core, schedstat), steady state, app without Honker: "
				+ ThreadGroupCpu.describe(medianByGroup(steadyBaselineGroups)));
	}

	private static Map<String, Double> medianByGroup(List<Map<String, Double>> rounds) {
		Map<String, Double> medians = new LinkedHashMap<>();
		for (String group : ThreadGroupCpu.groups()) {
			medians.put(group, median(rounds.stream().mapToDouble((round) -> round.get(group)).toArray()));
		}
		return medians;
	}

	private static List<Measurement> idleCpu(Path file, String settings, Window... windows) throws Exception {
		List<String> args = new ArrayList<>(List.of("--worker.db=" + file, "--worker.queue=idle", "--worker.mode=noop",
				"--logging.level.root=WARN"));
		args.addAll(List.of(settings.split(" ")));
		return measure(WorkerMain.class, List.of(windows), args.toArray(String[]::new));
	}

	/**
	 * The CPU share of one core the idle child JVM {@code main} uses over the 10 s after
	 * a 5 s warm-up.
	 */
	static double idleCpu(Class<?> main, String... args) throws Exception {
		return measure(main, List.of(FIRST), args).get(0).percent();
	}

	/**
	 * The CPU share of one core the idle child JVM {@code main} uses in each window, in
	 * all and by group of threads.
	 */
	private static List<Measurement> measure(Class<?> main, List<Window> windows, String... args) throws Exception {
		try (ChildJvm child = ChildJvm.startPiped(main, args)) {
			CountDownLatch ready = new CountDownLatch(1);
			Thread reader = new Thread(() -> drain(child.lines(), ready), "idle-bench-output");
			reader.setDaemon(true);
			reader.start();
			if (!ready.await(120, TimeUnit.SECONDS)) {
				throw new IllegalStateException("worker did not start: " + child);
			}
			long readyAt = System.nanoTime();
			List<Measurement> measurements = new ArrayList<>();
			for (Window window : windows) {
				measurements.add(measure(child, readyAt, window));
			}
			return measurements;
		}
	}

	private static Measurement measure(ChildJvm child, long readyAt, Window window) throws Exception {
		// Not synchronisation: the worker is idle by design, and these are the warm-up
		// and measuring windows.
		Thread.sleep(Math.max(0, window.start().toMillis() - Duration.ofNanos(System.nanoTime() - readyAt).toMillis()));
		long pid = child.handle().pid();
		Map<String, ThreadGroupCpu.Sample> threadsBefore = ThreadGroupCpu.snapshot(pid);
		long cpuBefore = cpuNanos(child);
		long before = System.nanoTime();
		Thread.sleep(window.length().toMillis());
		long cpuAfter = cpuNanos(child);
		long after = System.nanoTime();
		Map<String, ThreadGroupCpu.Sample> threadsAfter = ThreadGroupCpu.snapshot(pid);
		return new Measurement(100.0 * (cpuAfter - cpuBefore) / (after - before),
				ThreadGroupCpu.percentByGroup(threadsBefore, threadsAfter, after - before));
	}

	/**
	 * A measuring window: {@code length} long, from {@code start} after the child was
	 * ready.
	 */
	private record Window(Duration start, Duration length) {

		@Override
		public String toString() {
			return length().toSeconds() + " s from " + start().toSeconds() + " s after start";
		}

	}

	/**
	 * A process's CPU over the window in percent of one core, and each thread group's.
	 */
	private record Measurement(double percent, Map<String, Double> byGroup) {
	}

	/**
	 * User plus system CPU time of the child, from fields 14 and 15 of
	 * {@code /proc/<pid>/stat}, in clock ticks of 10 ms.
	 */
	private static long cpuNanos(ChildJvm child) throws IOException {
		if (!child.handle().isAlive()) {
			throw new IllegalStateException("worker exited: " + child);
		}
		String stat = Files.readString(Path.of("/proc", Long.toString(child.handle().pid()), "stat"));
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
		return ticks * TICK_NANOS;
	}

	private static void drain(BufferedReader output, CountDownLatch ready) {
		try {
			for (String line = output.readLine(); line != null; line = output.readLine()) {
				if (line.startsWith("worker ready")) {
					ready.countDown();
				}
			}
		}
		catch (IOException ex) {
			// the child is gone
		}
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

}
