package dev.honker.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.listener.HonkerListener;
import dev.honker.spring.listener.HonkerTestPool;
import dev.honker.spring.scheduler.HonkerScheduled;
import dev.honker.spring.scheduler.SchedulerContexts;
import dev.honker.spring.scheduler.SchedulerWorkerMain;
import dev.honker.spring.task.HonkerTask;
import dev.honker.spring.task.HonkerTasks;
import dev.honker.spring.task.TaskHandle;

/**
 * The scheduler and task methods:
 * <ol>
 * <li>firing accuracy: from the boundary second to the first line of an
 * {@code @HonkerScheduled(every = "1s")} method, in one worker application that also
 * leads, over 60 firings (the first firing, during startup, is left out); the baseline, in
 * the same application and run, is a job enqueued on a timer half a second after each
 * boundary, from its planned time to a {@code @HonkerListener}'s first line;</li>
 * <li>idle CPU of a worker process with one listener and one daily schedule, with the
 * scheduler leader and without it ({@code honker.scheduler.enabled=false}), 3 rounds each,
 * in the same run (see {@link IdleWorkerCpuBenchmark} for the method);</li>
 * <li>the cost of a task call through a typed client against a plain
 * {@code HonkerTemplate.enqueue} of the same arguments, inside transactions of 2,000
 * calls, 9 interleaved rounds after a warm-up;</li>
 * <li>result wake-up: from the moment a task method returns (its worker then stores the
 * result and commits) to the moment {@link TaskHandle#await} returns in the caller, woken
 * by the commit watcher, over 300 sequential calls in one JVM.</li>
 * </ol>
 */
public final class SchedulerBenchmark {

	private static final int FIRINGS = 60;

	private static final int ROUNDS = 9;

	private static final int CALLS = 2_000;

	private SchedulerBenchmark() {
	}

	/**
	 * Runs the benchmark; arguments pick parts ({@code accuracy}, {@code idle},
	 * {@code calls}, {@code wake}), all when there are none.
	 */
	public static void main(String[] args) throws Exception {
		Path directory = Files.createTempDirectory("honker-scheduler-bench");
		List<String> parts = (args.length > 0) ? List.of(args) : List.of("accuracy", "idle", "calls", "wake");
		if (parts.contains("accuracy")) {
			firingAccuracy(directory.resolve("accuracy.db"));
		}
		if (parts.contains("idle")) {
			idleCpu(directory.resolve("idle.db"));
		}
		if (parts.contains("calls")) {
			taskCallCost(directory.resolve("tasks.db"));
		}
		if (parts.contains("wake")) {
			resultWakeUp(directory.resolve("results.db"));
		}
	}

	private static void resultWakeUp(Path file) {
		try (HikariDataSource pool = HonkerTestPool.pool(file)) {
			SchedulerContexts.runner(pool).withBean(Clock.class).run(context -> {
				ClockClient clock = context.getBean(HonkerTasks.class).client(ClockClient.class);
				clock.now().await(Duration.ofSeconds(30));
				double[] millis = new double[300];
				for (int i = 0; i < millis.length; i++) {
					TaskHandle<Long> handle = clock.now();
					Long returned = handle.await(Duration.ofSeconds(30));
					millis[i] = (System.nanoTime() - returned) / 1_000_000.0;
				}
				Arrays.sort(millis);
				System.out.printf(
						"result wake-up, task method returns to await returns (store, commit, watcher wake, read),"
								+ " %d calls: p50 %.2f ms, p99 %.2f ms%n",
						millis.length, percentile(millis, 0.50), percentile(millis, 0.99));
			});
		}
	}

	private static void firingAccuracy(Path file) {
		try (HikariDataSource pool = HonkerTestPool.pool(file)) {
			SchedulerContexts.runner(pool).withBean(Firings.class).withBean(Baseline.class).run(context -> {
				Firings firings = context.getBean(Firings.class);
				Baseline baseline = context.getBean(Baseline.class);
				HonkerTemplate template = context.getBean(HonkerTemplate.class);
				for (int i = 0; i <= FIRINGS && firings.done.getCount() > 0; i++) {
					// Not synchronisation: the baseline's enqueue happens half a second
					// after each boundary, as the leader's tick happens on it.
					long next = (System.currentTimeMillis() / 1000 + 1) * 1000 + 500;
					Thread.sleep(next - System.currentTimeMillis());
					template.enqueue("baseline", next);
				}
				if (!firings.done.await(60, TimeUnit.SECONDS)) {
					throw new IllegalStateException("only " + firings.latencies.size() + " firings");
				}
				double[] scheduled = sorted(firings.latencies);
				double[] plain = sorted(baseline.latencies);
				System.out.printf(
						"firing accuracy, boundary second to the handler's first line, %d firings of @every 1s:"
								+ " p50 %.2f ms, p99 %.2f ms, max %.2f ms (target p50 <= 5 ms, p99 <= 20 ms)%n",
						scheduled.length, percentile(scheduled, 0.50), percentile(scheduled, 0.99),
						scheduled[scheduled.length - 1]);
				System.out.printf(
						"baseline in the same run, a timed enqueue half a second after each boundary to a"
								+ " @HonkerListener's first line: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
						percentile(plain, 0.50), percentile(plain, 0.99), plain[plain.length - 1]);
			});
		}
	}

	private static double[] sorted(List<Double> latencies) {
		return latencies.stream().skip(1).limit(FIRINGS).mapToDouble(Double::doubleValue).sorted().toArray();
	}

	private static void idleCpu(Path file) throws Exception {
		HonkerTestPool.pool(file).close();
		double[] with = new double[3];
		double[] without = new double[3];
		for (int round = 0; round < with.length; round++) {
			with[round] = IdleWorkerCpuBenchmark.idleCpu(SchedulerWorkerMain.class, idleArgs(file, true));
			without[round] = IdleWorkerCpuBenchmark.idleCpu(SchedulerWorkerMain.class, idleArgs(file, false));
			System.out.printf("round %d: idle worker with the scheduler leader %.2f%% of one core, without %.2f%%%n",
					round + 1, with[round], without[round]);
		}
		System.out.printf("median: idle worker with the scheduler leader %.2f%% of one core, without %.2f%%%n",
				BenchDatabase.median(with), BenchDatabase.median(without));
	}

	private static String[] idleArgs(Path file, boolean scheduler) {
		return new String[] { "--worker.db=" + file, "--worker.scheduled=false", "--logging.level.root=WARN",
				"--honker.scheduler.enabled=" + scheduler, "--honker.scheduler.schedules.nightly.queue=ticks",
				"--honker.scheduler.schedules.nightly.cron=0 3 * * *" };
	}

	private static void taskCallCost(Path file) {
		try (HikariDataSource pool = HonkerTestPool.pool(file)) {
			SchedulerContexts.runner(pool).run(context -> {
				HonkerTemplate template = context.getBean(HonkerTemplate.class);
				Calculator calculator = context.getBean(HonkerTasks.class).client(Calculator.class);
				TransactionTemplate transaction = new TransactionTemplate(
						context.getBean(PlatformTransactionManager.class));
				double[] plain = new double[ROUNDS];
				double[] envelope = new double[ROUNDS];
				double[] task = new double[ROUNDS];
				for (int round = -1; round < ROUNDS; round++) {
					double plainMicros = micros(transaction, i -> template.enqueue("calc", List.of(i, i + 1)));
					double envelopeMicros = micros(transaction, i -> template.enqueue("calc", Map.of("__honker_task__",
							Map.of("task", "calc.add", "args", List.of(i, i + 1), "kwargs", Map.of()))));
					double taskMicros = micros(transaction, i -> calculator.add(i, i + 1));
					if (round >= 0) {
						plain[round] = plainMicros;
						envelope[round] = envelopeMicros;
						task[round] = taskMicros;
					}
				}
				double plainMedian = BenchDatabase.median(plain);
				double taskMedian = BenchDatabase.median(task);
				System.out.printf(
						"task call through the client %.2f us vs plain HonkerTemplate.enqueue of the arguments %.2f us:"
								+ " %.2fx (target <= 1.3x); enqueue of the same envelope as a Map %.2f us%n",
						taskMedian, plainMedian, taskMedian / plainMedian, BenchDatabase.median(envelope));
			});
		}
	}

	/** Microseconds per call of {@code CALLS} calls in one transaction. */
	private static double micros(TransactionTemplate transaction, IntConsumer call) {
		long start = System.nanoTime();
		transaction.executeWithoutResult(status -> {
			for (int i = 0; i < CALLS; i++) {
				call.accept(i);
			}
		});
		return (System.nanoTime() - start) / 1000.0 / CALLS;
	}

	private static double percentile(double[] sorted, double p) {
		return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
	}

	/** Records how long after each boundary second the method starts. */
	static class Firings {

		final List<Double> latencies = new CopyOnWriteArrayList<>();

		final CountDownLatch done = new CountDownLatch(FIRINGS + 1);

		@HonkerScheduled(every = "1s", name = "accuracy", queue = "accuracy")
		void fire() {
			Instant now = Instant.now();
			this.latencies.add(now.getNano() / 1_000_000.0);
			this.done.countDown();
		}

	}

	/** Records how long after its planned enqueue time each baseline job starts. */
	static class Baseline {

		final List<Double> latencies = new CopyOnWriteArrayList<>();

		@HonkerListener(queue = "baseline", id = "baseline")
		void handle(long plannedMillis) {
			this.latencies.add((double) (System.currentTimeMillis() - plannedMillis));
		}

	}

	/** A task returning the worker's {@link System#nanoTime()}. */
	static class Clock {

		@HonkerTask(name = "clock.now", queue = "clock")
		long now() {
			return System.nanoTime();
		}

	}

	/** The caller's view of {@link Clock}. */
	interface ClockClient {

		@HonkerTask(name = "clock.now", queue = "clock")
		TaskHandle<Long> now();

	}

	/** The caller's view of a task; nothing runs it here. */
	interface Calculator {

		@HonkerTask(name = "calc.add", queue = "calc")
		TaskHandle<Integer> add(int a, int b);

	}

}
