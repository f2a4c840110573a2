package dev.honker.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
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
import dev.honker.spring.listener.HonkerListener;
import dev.honker.spring.listener.HonkerListenerEndpointRegistry;

import static org.awaitility.Awaitility.await;

/**
 * The cost of metrics and tracing on the enqueue path and on the drain, against the same
 * application without them, in the same run. Two Boot applications on two files: the
 * baseline (Honker, JDBC, Jackson), and the same plus Micrometer Observation, metrics
 * (Prometheus registry), Micrometer Tracing with Brave sampling every trace (spans
 * finished but not exported), Honker's observation, metrics, queue gauges and trace
 * context table.
 * <ul>
 * <li>enqueue: one {@code HonkerTemplate.enqueue} per transaction, as a request would,
 * rounds of 2,000 transactions, 3 warm-up and 9 measured rounds, alternating;</li>
 * <li>drain: 20,000 jobs enqueued through the same application's template (so traced jobs
 * carry a stored trace context), drained by a {@code @HonkerListener} of 4 threads with a
 * no-op handler, 5 rounds, alternating.</li>
 * </ul>
 * Prints the medians and the ratios (targets: enqueue at most 1.15x, drain at least 0.9x).
 */
public final class ObservabilityBenchmark {

	private static final int TRANSACTIONS = 2_000;

	private static final int WARM_UP_ROUNDS = 3;

	private static final int ENQUEUE_ROUNDS = 9;

	private static final int BACKLOG = 20_000;

	private static final int DRAIN_ROUNDS = 5;

	private ObservabilityBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Path directory = Files.createTempDirectory("honker-observability-bench");
		try (ConfigurableApplicationContext plain = start(Plain.class, directory.resolve("plain.db"));
				ConfigurableApplicationContext observed = start(Observed.class, directory.resolve("observed.db"))) {
			System.out.println("observed app: " + observed.getBeanNamesForType(HonkerTemplate.class).length
					+ " template, trace table: "
					+ observed.getBean(JdbcTemplate.class)
						.queryForObject("SELECT count(*) FROM sqlite_master WHERE name = 'honker_spring_job_trace'",
								Long.class));
			double[] plainMicros = new double[ENQUEUE_ROUNDS];
			double[] observedMicros = new double[ENQUEUE_ROUNDS];
			for (int i = 0; i < WARM_UP_ROUNDS; i++) {
				enqueueRound(plain);
				enqueueRound(observed);
			}
			for (int i = 0; i < ENQUEUE_ROUNDS; i++) {
				boolean plainFirst = i % 2 == 0;
				if (plainFirst) {
					plainMicros[i] = enqueueRound(plain);
				}
				observedMicros[i] = enqueueRound(observed);
				if (!plainFirst) {
					plainMicros[i] = enqueueRound(plain);
				}
				System.out.printf("enqueue round %d: plain %.1f us/tx, metrics+tracing %.1f us/tx%n", i + 1,
						plainMicros[i], observedMicros[i]);
			}
			double[] plainRates = new double[DRAIN_ROUNDS];
			double[] observedRates = new double[DRAIN_ROUNDS];
			for (int i = 0; i < DRAIN_ROUNDS; i++) {
				boolean plainFirst = i % 2 == 0;
				if (plainFirst) {
					plainRates[i] = drain(plain);
				}
				observedRates[i] = drain(observed);
				if (!plainFirst) {
					plainRates[i] = drain(plain);
				}
				System.out.printf("drain round %d: plain %,.0f jobs/s, metrics+tracing %,.0f jobs/s%n", i + 1,
						plainRates[i], observedRates[i]);
			}
			double enqueuePlain = BenchDatabase.median(plainMicros);
			double enqueueObserved = BenchDatabase.median(observedMicros);
			double drainPlain = BenchDatabase.median(plainRates);
			double drainObserved = BenchDatabase.median(observedRates);
			System.out.printf("enqueue median: plain %.1f us/tx, metrics+tracing %.1f us/tx: %.2fx (target <= 1.15x)%n",
					enqueuePlain, enqueueObserved, enqueueObserved / enqueuePlain);
			System.out.printf(
					"drain median: plain %,.0f jobs/s, metrics+tracing %,.0f jobs/s: %.2fx (target >= 0.9x)%n",
					drainPlain, drainObserved, drainObserved / drainPlain);
		}
	}

	private static ConfigurableApplicationContext start(Class<?> application, Path file) {
		return new SpringApplicationBuilder(application).web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.properties("spring.datasource.url=jdbc:sqlite:" + file, "honker.sqlite.journal-mode=WAL",
					"spring.datasource.hikari.data-source-properties.synchronous=NORMAL",
					"honker.sqlite.busy-timeout=10s", "honker.listener.auto-startup=false",
					"management.tracing.sampling.probability=1.0", "logging.level.root=WARN")
			.run();
	}

	/** Microseconds per transaction of one enqueue. */
	private static double enqueueRound(ConfigurableApplicationContext context) {
		HonkerTemplate honker = context.getBean(HonkerTemplate.class);
		TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		long start = System.nanoTime();
		for (int i = 0; i < TRANSACTIONS; i++) {
			int order = i;
			transaction.executeWithoutResult(status -> honker.enqueue("orders", new Order(order, "alice@example.com")));
		}
		double micros = (System.nanoTime() - start) / 1e3 / TRANSACTIONS;
		context.getBean(JdbcTemplate.class).update("DELETE FROM _honker_live WHERE queue = 'orders'");
		return micros;
	}

	/** Jobs per second draining {@link #BACKLOG} jobs. */
	private static double drain(ConfigurableApplicationContext context) {
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
		long start = System.nanoTime();
		registry.getListenerContainer("drain").start();
		await().atMost(Duration.ofMinutes(5))
			.pollInterval(Duration.ofMillis(1))
			.until(() -> counter.latch.getCount() == 0
					&& jdbc.queryForObject("SELECT count(*) FROM _honker_live", Long.class) == 0);
		long nanos = System.nanoTime() - start;
		registry.getListenerContainer("drain").stop();
		return BACKLOG * 1e9 / nanos;
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
	@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
			JacksonAutoConfiguration.class, PropertyPlaceholderAutoConfiguration.class, HonkerAutoConfiguration.class,
			HonkerListenerAutoConfiguration.class })
	static class Plain {

		@Bean
		Counter counter() {
			return new Counter();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
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
