package dev.honker.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

import com.sun.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.honker.spring.boot.autoconfigure.HonkerAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.HonkerListenerAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.HonkerObservationAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.HonkerStatsSamplerAutoConfiguration;
import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.core.JobTraceContexts;
import dev.honker.spring.listener.HonkerListener;
import dev.honker.spring.listener.HonkerListenerEndpointRegistry;

import static org.awaitility.Awaitility.await;

/**
 * The cost of metrics and tracing on the enqueue path and on the drain, against the same
 * application without them, in the same run. Three Boot applications, each on its own
 * file:
 * <ul>
 * <li>plain: Honker, JDBC, Jackson;</li>
 * <li>observed: the same plus Micrometer Observation, metrics (Prometheus registry),
 * Micrometer Tracing with Brave at Spring Boot's default sampling probability (spans
 * finished but not exported), Honker's observations, metrics, queue gauges and trace
 * context table: the configuration the targets are for;</li>
 * <li>observed, every trace sampled: the same with
 * {@code management.tracing.sampling.probability=1.0}, so every enqueue also writes its
 * trace context row; printed for information.</li>
 * </ul>
 * Workloads, rounds rotating the order of the applications after warm-up rounds that are
 * not counted; each round starts from an empty queue, an empty trace context table and a
 * truncated WAL:
 * <ul>
 * <li>enqueue: one {@code HonkerTemplate.enqueue} per transaction, as a request would,
 * rounds of 2,000 transactions, 10 warm-up and 11 measured rounds;</li>
 * <li>drain: 20,000 jobs enqueued through the same application's template (so sampled
 * jobs carry a stored trace context), drained by a {@code @HonkerListener} of 4 threads
 * with a no-op handler, 5 warm-up and 9 measured rounds (the JIT compiler was still
 * compiling the observed application's drain path, up to a second of compiler time per
 * round, during the third to fifth rounds; both applications get the same warm-up).</li>
 * </ul>
 * Prints each round, the medians and the ratios (targets: enqueue at most 1.15x, drain at
 * least 0.9x). On a busy machine the elapsed times swing with the other processes, so it
 * also prints CPU time ratios: the enqueuing thread's CPU time per transaction, and the
 * whole process's CPU time per drained job (as jobs per CPU second); and, for
 * information, the drain's CPU time per job on the listener's claim thread (serial: the
 * pace of the drain), on its handler threads, and on the other threads (compiler, garbage
 * collector).
 */
public final class ObservabilityBenchmark {

	private static final int TRANSACTIONS = 2_000;

	private static final int WARM_UP_ROUNDS = 10;

	private static final int ENQUEUE_ROUNDS = 11;

	private static final int BACKLOG = 20_000;

	private static final int DRAIN_WARM_UP_ROUNDS = 5;

	private static final int DRAIN_ROUNDS = 9;

	private static final String[] NAMES = { "plain", "observed", "observed, every trace sampled" };

	private ObservabilityBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Path directory = Files.createTempDirectory("honker-observability-bench");
		try (ConfigurableApplicationContext plain = start(Plain.class, directory.resolve("plain.db"));
				ConfigurableApplicationContext observed = start(Observed.class, directory.resolve("observed.db"));
				ConfigurableApplicationContext sampled = start(Observed.class, directory.resolve("sampled.db"),
						"management.tracing.sampling.probability=1.0")) {
			ConfigurableApplicationContext[] apps = { plain, observed, sampled };
			System.out.println("observed: sampling probability "
					+ observed.getEnvironment().getProperty("management.tracing.sampling.probability", "0.1 (default)")
					+ ", trace context table: "
					+ observed.getBean(JdbcTemplate.class)
						.queryForObject("SELECT count(*) FROM sqlite_master WHERE name = ?", Long.class,
								JobTraceContexts.TABLE)
					+ "; every trace sampled: "
					+ sampled.getEnvironment().getProperty("management.tracing.sampling.probability"));
			double[][][] enqueue = rounds(apps, WARM_UP_ROUNDS, ENQUEUE_ROUNDS, ObservabilityBenchmark::enqueueRound,
					"enqueue", "%.1f us/tx (thread CPU %.1f us/tx)");
			double[][][] drain = rounds(apps, DRAIN_WARM_UP_ROUNDS, DRAIN_ROUNDS, ObservabilityBenchmark::drain,
					"drain", "%,.0f jobs/s (%,.0f jobs per CPU second; CPU per job: claim thread %.1f us,"
							+ " handler threads %.1f us, other threads %.1f us)");
			double[][] micros = enqueue[0];
			double[][] cpu = enqueue[1];
			double[][] rates = drain[0];
			double[][] cpuRates = drain[1];
			double enqueuePlain = BenchDatabase.median(micros[0]);
			double cpuPlain = BenchDatabase.median(cpu[0]);
			double drainPlain = BenchDatabase.median(rates[0]);
			System.out.printf("enqueue median: plain %.1f us/tx, observed %.1f us/tx: %.2fx (target <= 1.15x)%n",
					enqueuePlain, BenchDatabase.median(micros[1]), BenchDatabase.median(micros[1]) / enqueuePlain);
			System.out.printf(
					"enqueue thread CPU median (steadier on a busy machine): plain %.1f us/tx, observed %.1f us/tx: %.2fx%n",
					cpuPlain, BenchDatabase.median(cpu[1]), BenchDatabase.median(cpu[1]) / cpuPlain);
			System.out.printf("drain median: plain %,.0f jobs/s, observed %,.0f jobs/s: %.2fx (target >= 0.9x)%n",
					drainPlain, BenchDatabase.median(rates[1]), BenchDatabase.median(rates[1]) / drainPlain);
			System.out.printf(
					"drain jobs per CPU second median (steadier on a busy machine): plain %,.0f, observed %,.0f: %.2fx%n",
					BenchDatabase.median(cpuRates[0]), BenchDatabase.median(cpuRates[1]),
					BenchDatabase.median(cpuRates[1]) / BenchDatabase.median(cpuRates[0]));
			System.out.printf(
					"drain CPU per job by thread, median (information): claim thread plain %.1f us, observed %.1f us;"
							+ " handler threads plain %.1f us, observed %.1f us; other threads plain %.1f us, observed %.1f us%n",
					BenchDatabase.median(drain[2][0]), BenchDatabase.median(drain[2][1]),
					BenchDatabase.median(drain[3][0]), BenchDatabase.median(drain[3][1]),
					BenchDatabase.median(drain[4][0]), BenchDatabase.median(drain[4][1]));
			System.out.printf(
					"every trace sampled (information): enqueue %.1f us/tx: %.2fx (thread CPU %.2fx); drain %,.0f jobs/s: %.2fx%n",
					BenchDatabase.median(micros[2]), BenchDatabase.median(micros[2]) / enqueuePlain,
					BenchDatabase.median(cpu[2]) / cpuPlain, BenchDatabase.median(rates[2]),
					BenchDatabase.median(rates[2]) / drainPlain);
		}
	}

	/**
	 * Runs the warm-up rounds, then the measured rounds, each round running every
	 * application once, starting with a different one each round.
	 * @return the figures of the workload by figure, application and measured round
	 */
	private static double[][][] rounds(ConfigurableApplicationContext[] apps, int warmUpRounds, int rounds,
			Function<ConfigurableApplicationContext, double[]> workload, String name, String format) {
		for (int i = 0; i < warmUpRounds; i++) {
			for (ConfigurableApplicationContext app : apps) {
				workload.apply(app);
			}
		}
		double[][][] figures = null;
		for (int i = 0; i < rounds; i++) {
			for (int k = 0; k < apps.length; k++) {
				int app = (i + k) % apps.length;
				double[] measured = workload.apply(apps[app]);
				if (figures == null) {
					figures = new double[measured.length][apps.length][rounds];
				}
				for (int figure = 0; figure < measured.length; figure++) {
					figures[figure][app][i] = measured[figure];
				}
			}
			StringBuilder line = new StringBuilder(name + " round " + (i + 1) + ":");
			for (int app = 0; app < apps.length; app++) {
				Object[] values = new Object[figures.length];
				for (int figure = 0; figure < figures.length; figure++) {
					values[figure] = figures[figure][app][i];
				}
				line.append(app == 0 ? " " : ", ").append(NAMES[app]).append(' ').append(String.format(format, values));
			}
			System.out.println(line);
		}
		return figures;
	}

	private static ConfigurableApplicationContext start(Class<?> application, Path file, String... properties) {
		return new SpringApplicationBuilder(application).web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.properties("spring.datasource.url=jdbc:sqlite:" + file, "honker.sqlite.journal-mode=WAL",
					"spring.datasource.hikari.data-source-properties.synchronous=NORMAL",
					"honker.sqlite.busy-timeout=10s", "honker.listener.auto-startup=false",
					"logging.level.root=WARN")
			.properties(properties)
			.run();
	}

	/**
	 * Microseconds per transaction of one enqueue, and the CPU time of this thread per
	 * transaction.
	 */
	private static double[] enqueueRound(ConfigurableApplicationContext context) {
		HonkerTemplate honker = context.getBean(HonkerTemplate.class);
		TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		long startCpu = threads.getCurrentThreadCpuTime();
		long start = System.nanoTime();
		for (int i = 0; i < TRANSACTIONS; i++) {
			int order = i;
			transaction.executeWithoutResult(status -> honker.enqueue("orders", new Order(order, "alice@example.com")));
		}
		double micros = (System.nanoTime() - start) / 1e3 / TRANSACTIONS;
		double cpuMicros = (threads.getCurrentThreadCpuTime() - startCpu) / 1e3 / TRANSACTIONS;
		context.getBean(JdbcTemplate.class).update("DELETE FROM _honker_live WHERE queue = 'orders'");
		clean(context);
		return new double[] { micros, cpuMicros };
	}

	/**
	 * Jobs per second draining {@link #BACKLOG} jobs, jobs per second of the process's CPU
	 * time, and the CPU time per job of the listener's claim thread, of its handler
	 * threads and of the other threads (compiler, garbage collector, the rest).
	 */
	private static double[] drain(ConfigurableApplicationContext context) {
		HonkerTemplate honker = context.getBean(HonkerTemplate.class);
		TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		transaction.executeWithoutResult(status -> {
			for (int i = 0; i < BACKLOG; i++) {
				honker.enqueue("drain", new Order(i, "bob@example.com"));
			}
		});
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		jdbc.execute("PRAGMA wal_checkpoint(TRUNCATE)");
		Counter counter = context.getBean(Counter.class);
		counter.reset();
		HonkerListenerEndpointRegistry registry = context.getBean(HonkerListenerEndpointRegistry.class);
		OperatingSystemMXBean system = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
		Map<Long, Long> threadsBefore = ProcessCpu.threadsOfThisJvm();
		long startCpu = system.getProcessCpuTime();
		long start = System.nanoTime();
		registry.getListenerContainer("drain").start();
		await().atMost(Duration.ofMinutes(5))
			.pollInterval(Duration.ofMillis(1))
			.until(() -> counter.latch.getCount() == 0
					&& jdbc.queryForObject("SELECT count(*) FROM _honker_live", Long.class) == 0);
		long nanos = System.nanoTime() - start;
		long cpuNanos = system.getProcessCpuTime() - startCpu;
		double[] byThread = cpuByThread(threadsBefore, ProcessCpu.threadsOfThisJvm());
		registry.getListenerContainer("drain").stop();
		clean(context);
		return new double[] { BACKLOG * 1e9 / nanos, BACKLOG * 1e9 / cpuNanos, byThread[0] / 1e3 / BACKLOG,
				byThread[1] / 1e3 / BACKLOG, (cpuNanos - byThread[0] - byThread[1]) / 1e3 / BACKLOG };
	}

	/**
	 * The CPU nanoseconds between two readings of the drain listener's claim thread and of
	 * its handler threads (threads that ended in between are not counted).
	 */
	private static double[] cpuByThread(Map<Long, Long> before, Map<Long, Long> after) {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		double[] nanos = new double[2];
		after.forEach((id, cpu) -> {
			ThreadInfo info = threads.getThreadInfo(id);
			if (info != null) {
				String name = info.getThreadName();
				long used = cpu - before.getOrDefault(id, 0L);
				if (name.equals("honker-listener-drain")) {
					nanos[0] += used;
				}
				else if (name.matches("honker-drain-\\d+")) {
					nanos[1] += used;
				}
			}
		});
		return nanos;
	}

	/** Empties the trace context table of ended jobs and truncates the WAL. */
	private static void clean(ConfigurableApplicationContext context) {
		context.getBeanProvider(JobTraceContexts.class).ifAvailable(contexts -> contexts.deleteEnded(10_000));
		context.getBean(JdbcTemplate.class).execute("PRAGMA wal_checkpoint(TRUNCATE)");
	}

	record Order(int id, String email) {
	}

	/** Counts handled jobs. */
	static class Counter {

		final AtomicLong handled = new AtomicLong();

		volatile CountDownLatch latch = new CountDownLatch(BACKLOG);

		void reset() {
			this.handled.set(0);
			this.latch = new CountDownLatch(BACKLOG);
		}

		@HonkerListener(id = "drain", queue = "drain", concurrency = "4")
		void handle(Order order) {
			this.handled.incrementAndGet();
			this.latch.countDown();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
			JacksonAutoConfiguration.class, PropertyPlaceholderAutoConfiguration.class, HonkerAutoConfiguration.class,
			HonkerListenerAutoConfiguration.class })
	static class Plain {

		@Bean
		Counter counter() {
			return new Counter();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
			JacksonAutoConfiguration.class, PropertyPlaceholderAutoConfiguration.class, HonkerAutoConfiguration.class,
			HonkerListenerAutoConfiguration.class, HonkerStatsSamplerAutoConfiguration.class,
			HonkerObservationAutoConfiguration.class, ObservationAutoConfiguration.class,
			MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
			PrometheusMetricsExportAutoConfiguration.class, MicrometerTracingAutoConfiguration.class,
			BraveAutoConfiguration.class })
	static class Observed {

		@Bean
		Counter counter() {
			return new Counter();
		}

	}

}
