package dev.honker.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.DoubleStream;

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

	/** The index of {@link #FIRST} among a subject's measurements of one round. */
	private static final int FIRST_WINDOW = 0;

	/** The index of {@link #STEADY} among a subject's measurements of one round. */
	private static final int STEADY_WINDOW = 1;

	private IdleWorkerCpuBenchmark() {
	}

	/** Runs the benchmark. */
	public static void main(String[] args) throws Exception {
		Path directory = Files.createTempDirectory("honker-idle-bench");
		Path file = directory.resolve("bench.db");
		HonkerTestPool.pool(file).close();
		Series events = new Series();
		Series poll = new Series();
		Series baseline = new Series();
		Series sleeper = new Series();
		System.out.printf("idle worker process CPU, %s; the workers and the app without Honker also %s%n", FIRST,
				STEADY);
		for (int round = 0; round < ROUNDS; round++) {
			events.add(idleCpu(file, "--honker.watcher.mode=events", FIRST, STEADY));
			poll.add(idleCpu(file, "--honker.watcher.mode=poll --honker.watcher.poll-interval=1ms", FIRST, STEADY));
			baseline.add(idleCpu(file, "--honker.enabled=false --worker.keep-alive=true", FIRST, STEADY));
			sleeper.add(measure(SleepLoopMain.class, List.of(FIRST)));
			System.out.printf(Locale.ROOT,
					"round %d: worker, events mode %.2f%% of one core | worker, 1 ms poll %.2f%% | same app without"
							+ " Honker %.2f%% | 1 ms sleep loop %.2f%% | steady state: worker, events mode %.2f%%, 1 ms"
							+ " poll %.2f%%, same app without Honker %.2f%%; load average %s%n",
					round + 1, events.last(FIRST_WINDOW).percent(), poll.last(FIRST_WINDOW).percent(),
					baseline.last(FIRST_WINDOW).percent(), sleeper.last(FIRST_WINDOW).percent(),
					events.last(STEADY_WINDOW).percent(), poll.last(STEADY_WINDOW).percent(),
					baseline.last(STEADY_WINDOW).percent(), ListenerWakeLatencyBenchmark.loadAverage());
			System.out.println("  by thread group, events-mode worker: "
					+ ThreadGroupCpu.describe(events.last(FIRST_WINDOW).byGroup()));
			System.out.println("  by thread group, app without Honker: "
					+ ThreadGroupCpu.describe(baseline.last(FIRST_WINDOW).byGroup()));
			System.out.println("  steady state by thread group, events-mode worker: "
					+ ThreadGroupCpu.describe(events.last(STEADY_WINDOW).byGroup()));
			System.out.println("  steady state by thread group, app without Honker: "
					+ ThreadGroupCpu.describe(baseline.last(STEADY_WINDOW).byGroup()));
		}
		System.out.printf(Locale.ROOT,
				"median, first seconds: idle worker, events mode %.2f%% of one core (target 0.5%%), 1 ms poll mode"
						+ " %.2f%% (target 3%%), without Honker %.2f%%, bare 1 ms sleep loop %.2f%%%n",
				events.median(FIRST_WINDOW), poll.median(FIRST_WINDOW), baseline.median(FIRST_WINDOW),
				sleeper.median(FIRST_WINDOW));
		System.out.printf(Locale.ROOT,
				"median, steady state: idle worker, events mode %.2f%% of one core (target 0.5%%), 1 ms poll mode"
						+ " %.2f%% (target 3%%), without Honker %.2f%%%n",
				events.median(STEADY_WINDOW), poll.median(STEADY_WINDOW), baseline.median(STEADY_WINDOW));
		System.out.println("median by thread group (% of one core, schedstat), first seconds, events-mode worker: "
				+ ThreadGroupCpu.describe(events.medianByGroup(FIRST_WINDOW)));
		System.out.println("median by thread group (% of one core, schedstat), first seconds, app without Honker: "
				+ ThreadGroupCpu.describe(baseline.medianByGroup(FIRST_WINDOW)));
		System.out.println("median by thread group (% of one core, schedstat), steady state, events-mode worker: "
				+ ThreadGroupCpu.describe(events.medianByGroup(STEADY_WINDOW)));
		System.out.println("median by thread group (% of one core, schedstat), steady state, app without Honker: "
				+ ThreadGroupCpu.describe(baseline.medianByGroup(STEADY_WINDOW)));
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
	 * User plus system CPU time of the child, from {@code /proc/<pid>/stat}, in clock
	 * ticks of 10 ms.
	 */
	private static long cpuNanos(ChildJvm child) {
		if (!child.handle().isAlive()) {
			throw new IllegalStateException("worker exited: " + child);
		}
		return ProcessCpu.nanos(child.handle().pid(), false);
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

	private static double median(DoubleStream values) {
		double[] sorted = values.sorted().toArray();
		return sorted[sorted.length / 2];
	}

	/**
	 * One subject's measurements (a worker, the app without Honker, the sleep loop),
	 * round by round, each round's in the order of its windows.
	 */
	private static final class Series {

		private final List<List<Measurement>> rounds = new ArrayList<>();

		void add(List<Measurement> round) {
			this.rounds.add(round);
		}

		/** The latest round's measurement in a window. */
		Measurement last(int window) {
			return this.rounds.get(this.rounds.size() - 1).get(window);
		}

		/** The median over the rounds of the process's CPU in a window. */
		double median(int window) {
			return IdleWorkerCpuBenchmark.median(this.rounds.stream().mapToDouble((round) -> round.get(window).percent()));
		}

		/** The median over the rounds of each thread group's CPU in a window. */
		Map<String, Double> medianByGroup(int window) {
			Map<String, Double> medians = new LinkedHashMap<>();
			for (String group : ThreadGroupCpu.groups()) {
				medians.put(group, IdleWorkerCpuBenchmark
					.median(this.rounds.stream().mapToDouble((round) -> round.get(window).byGroup().get(group))));
			}
			return medians;
		}

	}

}
