package dev.honker.bench;

import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
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
import java.util.StringJoiner;
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
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.honker.spring.boot.autoconfigure.HonkerAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.HonkerListenerAutoConfiguration;
import dev.honker.spring.listener.HonkerListener;
import dev.honker.spring.listener.HonkerListenerEndpointRegistry;
import tools.jackson.databind.JsonNode;

/**
 * Drains 50,000 queued jobs with a {@code @HonkerListener} of 4 handler threads and a
 * no-op handler (payload converted to a {@code JsonNode}), from the container's start
 * until {@code _honker_live} is empty, and the rates of its first and last 5,000 jobs
 * (the drain must stay linear in the backlog). Baseline, measured in the same run on a
 * fresh file of the same size: one thread running the same SQL on one connection (ack the
 * previous batch and {@code honker_claim_batch(32)} in one {@code BEGIN IMMEDIATE}
 * transaction) with no Spring, no thread hand-off and no handler. Also the listener with
 * {@code honker.watcher.background-checkpoint=false} (on by default), to show what the
 * background WAL checkpoint costs or saves on a drain. WAL mode, {@code synchronous=NORMAL}. Prints jobs
 * per second per round and the medians, and, for information, the CPU time per job of the
 * raw loop's thread and of the listener's claim thread, handler threads and watcher.
 */
public final class ListenerDrainBenchmark {

	private static final int BACKLOG = 50_000;

	private static final int ROUNDS = 5;

	private static final int CONCURRENCY = 4;

	private static final int RAW_BATCH = 32;

	private static final int EDGE = 5_000;

	private ListenerDrainBenchmark() {
	}

	/** Runs the benchmark. */
	public static void main(String[] args) throws Exception {
		Path directory = Files.createTempDirectory("honker-drain-bench");
		double[] listener = new double[ROUNDS];
		double[] first = new double[ROUNDS];
		double[] last = new double[ROUNDS];
		double[] baseline = new double[ROUNDS];
		double[] ratio = new double[ROUNDS];
		double[] withoutCheckpoint = new double[ROUNDS];
		double[] checkpointRatio = new double[ROUNDS];
		double[] cpuRatio = new double[ROUNDS];
		System.out.printf("drain %,d queued jobs, %d handler threads, no-op handler; %d cores, load average at start"
				+ " %s%n", BACKLOG, CONCURRENCY, Runtime.getRuntime().availableProcessors(),
				ListenerWakeLatencyBenchmark.loadAverage());
		for (int round = 0; round < ROUNDS; round++) {
			double[] raw = rawDrain(directory.resolve("raw-" + round + ".db"));
			baseline[round] = raw[0];
			double[] rates = listenerDrain(directory.resolve("listener-" + round + ".db"), true);
			withoutCheckpoint[round] = listenerDrain(directory.resolve("no-checkpoint-" + round + ".db"), false)[0];
			listener[round] = rates[0];
			first[round] = rates[1];
			last[round] = rates[2];
			ratio[round] = listener[round] / baseline[round];
			checkpointRatio[round] = listener[round] / withoutCheckpoint[round];
			cpuRatio[round] = raw[1] / rates[3];
			System.out.printf(
					"round %d: @HonkerListener %,.0f jobs/s (first %,d: %,.0f/s, last %,d: %,.0f/s) | raw single-thread"
							+ " claim(%d)+ack_batch %,.0f jobs/s | listener without the background checkpoint %,.0f"
							+ " jobs/s | CPU us per job: raw loop %.2f; listener's claim thread %.2f, handler threads"
							+ " %.2f, watcher %.2f%n",
					round + 1, listener[round], EDGE, first[round], EDGE, last[round], RAW_BATCH, baseline[round],
					withoutCheckpoint[round], raw[1], rates[3], rates[4], rates[5]);
		}
		System.out.printf(
				"median: @HonkerListener %,.0f jobs/s (first %,d: %,.0f/s, last %,d: %,.0f/s), raw loop %,.0f jobs/s,"
						+ " listener / raw = %.2fx (median of per-round ratios; target 0.7x)%n",
				median(listener), EDGE, median(first), EDGE, median(last), median(baseline), median(ratio));
		System.out.printf(
				"background checkpoint on / off: %,.0f / %,.0f jobs/s = %.2fx (median of per-round ratios); load"
						+ " average at end %s%n",
				median(listener), median(withoutCheckpoint), median(checkpointRatio),
				ListenerWakeLatencyBenchmark.loadAverage());
		System.out.printf("raw loop CPU per job / listener's claim thread CPU per job = %.2fx (median of per-round"
				+ " ratios; for information: thread CPU time is steadier than elapsed time on a busy machine, and"
				+ " the claim thread is what bounds a drain of fast handlers)%n", median(cpuRatio));
	}

	/**
	 * Jobs per second overall, over the first {@link #EDGE} and over the last; then CPU
	 * microseconds per job of the claim thread, of the handler threads and of the
	 * watcher.
	 */
	private static double[] listenerDrain(Path file, boolean backgroundCheckpoint) throws Exception {
		fill(file);
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(DrainApplication.class)
			.web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.properties("spring.datasource.url=jdbc:sqlite:" + file, "honker.sqlite.journal-mode=WAL",
					"spring.datasource.hikari.data-source-properties.synchronous=NORMAL",
					"honker.sqlite.busy-timeout=10s", "logging.level.root=WARN",
					"honker.watcher.background-checkpoint=" + backgroundCheckpoint)
			.run(); Connection reader = BenchDatabase.connect(file)) {
			Counter counter = context.getBean(Counter.class);
			long start = System.nanoTime();
			counter.start = start;
			context.getBean(HonkerListenerEndpointRegistry.class).getListenerContainer("drain").start();
			if (!counter.allHandled.await(10, TimeUnit.MINUTES)) {
				throw new IllegalStateException("handled only " + counter.handled.get() + " of " + BACKLOG + " jobs");
			}
			// The last acks commit just after their handlers return: wait for the
			// committed queue to be empty.
			await().atMost(Duration.ofMinutes(1))
				.pollInterval(Duration.ofMillis(1))
				.until(() -> count(reader, "SELECT count(*) FROM _honker_live") == 0);
			long nanos = System.nanoTime() - start;
			double[] cpu = listenerCpuMicrosPerJob();
			if (counter.handled.get() != BACKLOG || count(reader, "SELECT count(*) FROM _honker_dead") != 0) {
				throw new IllegalStateException("handled " + counter.handled.get() + " jobs, expected " + BACKLOG);
			}
			return new double[] { BACKLOG * 1e9 / nanos, EDGE * 1e9 / (counter.firstEdge - start),
					EDGE * 1e9 / (counter.lastHandled - counter.lastEdge), cpu[0], cpu[1], cpu[2] };
		}
	}

	/**
	 * CPU microseconds per job of the listener's claim thread, its handler threads and
	 * the commit watcher, while they still run.
	 */
	private static double[] listenerCpuMicrosPerJob() {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		double[] micros = new double[3];
		for (ThreadInfo thread : threads.getThreadInfo(threads.getAllThreadIds())) {
			if (thread == null) {
				continue;
			}
			String name = thread.getThreadName();
			int kind = name.equals("honker-listener-drain") ? 0
					: (name.startsWith("honker-drain-") && !name.contains("heartbeat")) ? 1
							: name.startsWith("honker-watcher-") ? 2 : -1;
			if (kind >= 0) {
				micros[kind] += threads.getThreadCpuTime(thread.getThreadId()) / 1e3 / BACKLOG;
			}
		}
		return micros;
	}

	/** Jobs per second, and the loop thread's CPU microseconds per job. */
	private static double[] rawDrain(Path file) throws SQLException {
		fill(file);
		try (Connection connection = BenchDatabase.connect(file);
				Statement statement = connection.createStatement();
				PreparedStatement ack = connection.prepareStatement("SELECT honker_ack_batch(?, 'raw')");
				PreparedStatement claim = connection
					.prepareStatement("SELECT honker_claim_batch('drain', 'raw', " + RAW_BATCH + ", 300)")) {
			ThreadMXBean threads = ManagementFactory.getThreadMXBean();
			long start = System.nanoTime();
			long cpuStart = threads.getCurrentThreadCpuTime();
			long done = 0;
			List<Long> previous = List.of();
			while (true) {
				statement.execute("BEGIN IMMEDIATE");
				if (!previous.isEmpty()) {
					ack.setString(1, json(previous));
					done += single(ack);
				}
				List<Long> claimed = ids(claim);
				statement.execute("COMMIT");
				if (claimed.isEmpty()) {
					break;
				}
				previous = claimed;
			}
			long nanos = System.nanoTime() - start;
			long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
			if (done != BACKLOG) {
				throw new IllegalStateException("acked " + done + " jobs, expected " + BACKLOG);
			}
			return new double[] { BACKLOG * 1e9 / nanos, cpu / 1e3 / BACKLOG };
		}
	}

	private static void fill(Path file) throws SQLException {
		try (Connection connection = BenchDatabase.connect(file);
				Statement statement = connection.createStatement();
				PreparedStatement enqueue = connection
					.prepareStatement("SELECT honker_enqueue('drain', ?, NULL, NULL, 0, 3, NULL)")) {
			statement.execute("SELECT honker_bootstrap()");
			statement.execute("BEGIN IMMEDIATE");
			for (int i = 0; i < BACKLOG; i++) {
				enqueue.setString(1, "{\"order\":" + i + "}");
				single(enqueue);
			}
			statement.execute("COMMIT");
			statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
		}
	}

	private static long single(PreparedStatement statement) throws SQLException {
		try (ResultSet row = statement.executeQuery()) {
			row.next();
			return row.getLong(1);
		}
	}

	private static long count(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
			row.next();
			return row.getLong(1);
		}
	}

	private static List<Long> ids(PreparedStatement claim) throws SQLException {
		String json;
		try (ResultSet row = claim.executeQuery()) {
			row.next();
			json = row.getString(1);
		}
		List<Long> ids = new ArrayList<>();
		for (int at = json.indexOf("\"id\":"); at >= 0; at = json.indexOf("\"id\":", at + 5)) {
			ids.add(Long.parseLong(json, at + 5, json.indexOf(',', at), 10));
		}
		return ids;
	}

	private static String json(List<Long> ids) {
		StringJoiner joiner = new StringJoiner(",", "[", "]");
		ids.forEach(id -> joiner.add(id.toString()));
		return joiner.toString();
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

	/** The benchmark's worker application. */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
			JacksonAutoConfiguration.class, PropertyPlaceholderAutoConfiguration.class, HonkerAutoConfiguration.class,
			HonkerListenerAutoConfiguration.class })
	static class DrainApplication {

		@Bean
		Counter counter() {
			return new Counter();
		}

	}

	/** The no-op listener; it only counts. */
	static class Counter {

		final AtomicLong handled = new AtomicLong();

		final CountDownLatch allHandled = new CountDownLatch(BACKLOG);

		volatile long start;

		volatile long firstEdge;

		volatile long lastEdge;

		volatile long lastHandled;

		@HonkerListener(queue = "drain", id = "drain", concurrency = "" + CONCURRENCY, autoStartup = "false")
		void handle(JsonNode payload) {
			long count = this.handled.incrementAndGet();
			if (count == EDGE) {
				this.firstEdge = System.nanoTime();
			}
			else if (count == BACKLOG - EDGE) {
				this.lastEdge = System.nanoTime();
			}
			else if (count == BACKLOG) {
				this.lastHandled = System.nanoTime();
			}
			this.allHandled.countDown();
		}

	}

}
