package dev.honker.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.sun.management.OperatingSystemMXBean;
import com.zaxxer.hikari.HikariDataSource;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.honker.spring.actuate.ActuatorTestApplication;
import dev.honker.spring.core.HonkerStats;
import dev.honker.spring.dashboard.HonkerDashboard;
import dev.honker.spring.listener.HonkerListener;
import dev.honker.spring.listener.HonkerTestPool;

/**
 * The dashboard on a large database: 1,000,000 live jobs across 20 queues (per queue
 * 40,000 claimable, 5,000 delayed, 5,000 processing) and 20,000 dead jobs.
 * <ul>
 * <li>the overview's response time: {@code GET /honker/api/overview} over HTTP from this
 * JVM to the application, 3 warm-up then 15 measured requests, median and slowest;</li>
 * <li>the application's CPU with one page's live updates open and idle (an event stream
 * that no commit of a job wakes) against none, in alternating 30-second windows, 3 of
 * each, as the process's CPU time over wall time (the HTTP client only waits), for an
 * application that runs a listener (its commit watcher polls anyway, and its scheduler
 * leader renews its lock with a commit every 30 s) and for one that runs none (the open
 * page starts the watcher); with each thread's share, to tell where a difference comes
 * from.</li>
 * </ul>
 */
public final class DashboardBenchmark {

	private static final int QUEUES = 20;

	private static final int PER_QUEUE = 50_000;

	private static final int WARM_UP = 3;

	private static final int REQUESTS = 15;

	/**
	 * As long as the scheduler leader's default lock renewal interval, so that every
	 * window sees as many of its commits, whatever its phase.
	 */
	private static final Duration WINDOW = Duration.ofSeconds(30);

	private static final int WINDOWS = 3;

	private DashboardBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Path directory = Files.createTempDirectory("honker-dashboard-bench");
		Path file = directory.resolve("dashboard.db");
		fill(file);
		HttpClient http = HttpClient.newHttpClient();
		try (ConfigurableApplicationContext app = start(file, WithListener.class)) {
			cpu("with a listener", app, http);
			String base = base(app);
			double[] millis = new double[REQUESTS];
			int size = 0;
			for (int i = 0; i < WARM_UP + REQUESTS; i++) {
				long begin = System.nanoTime();
				HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/overview")).build(),
						HttpResponse.BodyHandlers.ofString());
				double elapsed = (System.nanoTime() - begin) / 1e6;
				if (response.statusCode() != 200 || !response.body().contains("\"name\":\"queue-19\",\"pending\":45000")) {
					throw new IllegalStateException("unexpected overview: " + response.statusCode() + " " + response.body());
				}
				size = response.body().length();
				if (i >= WARM_UP) {
					millis[i - WARM_UP] = elapsed;
				}
			}
			double median = BenchDatabase.median(millis);
			System.out.printf("GET /honker/api/overview, 1,000,000 live + 20,000 dead jobs in 20 queues (%,d bytes):"
					+ " median %.1f ms, slowest %.1f ms (%s); target <= 100 ms: %s%n", size, median, max(millis),
					format(millis), (median <= 100) ? "MET" : "NOT MET");
			breakdown(app.getBean(HonkerStats.class), app.getBean(JdbcTemplate.class));
		}
		try (ConfigurableApplicationContext app = start(file)) {
			cpu("without a listener", app, http);
		}
		finally {
			try (var files = Files.list(directory)) {
				for (Path path : (Iterable<Path>) files::iterator) {
					Files.delete(path);
				}
			}
			Files.delete(directory);
		}
	}

	private static void cpu(String label, ConfigurableApplicationContext app, HttpClient http) throws Exception {
		HonkerDashboard dashboard = app.getBean(HonkerDashboard.class);
		double[] none = new double[WINDOWS];
		double[] open = new double[WINDOWS];
		Map<String, Long> noneByThread = new TreeMap<>();
		Map<String, Long> openByThread = new TreeMap<>();
		for (int round = 0; round < WINDOWS; round++) {
			none[round] = cpuPercent(noneByThread);
			HttpResponse<InputStream> events = http.send(
					HttpRequest.newBuilder(URI.create(base(app) + "/api/events")).build(),
					HttpResponse.BodyHandlers.ofInputStream());
			InputStream stream = events.body();
			readFirstEvent(stream);
			if (dashboard.getLivePageCount() != 1) {
				throw new IllegalStateException("expected one open page, got " + dashboard.getLivePageCount());
			}
			open[round] = cpuPercent(openByThread);
			stream.close();
			awaitNoPage(dashboard);
		}
		double withoutPage = BenchDatabase.median(none);
		double withPage = BenchDatabase.median(open);
		System.out.printf("application CPU (%s), %d windows of %d s each: no page open %.2f%% of a core (%s),"
				+ " one idle page open %.2f%% (%s): the idle page costs %+.2f%% of a core"
				+ " (target: nothing measurable)%n", label, WINDOWS, WINDOW.toSeconds(), withoutPage, format(none),
				withPage, format(open), withPage - withoutPage);
		System.out.println("  by thread, % of a core over all windows (page open / no page): "
				+ byThread(openByThread, noneByThread));
	}

	/**
	 * The threads that used the most CPU in either kind of window, in percent of a core
	 * over all the windows of that kind.
	 */
	private static String byThread(Map<String, Long> open, Map<String, Long> none) {
		Set<String> names = new TreeSet<>(open.keySet());
		names.addAll(none.keySet());
		double wall = WINDOW.toNanos() * (double) WINDOWS / 100;
		return names.stream()
			.sorted(Comparator.comparingLong(
					(String name) -> -Math.max(open.getOrDefault(name, 0L), none.getOrDefault(name, 0L))))
			.limit(6)
			.map(name -> String.format("%s %.2f / %.2f", name, open.getOrDefault(name, 0L) / wall,
					none.getOrDefault(name, 0L) / wall))
			.collect(Collectors.joining("; "));
	}

	/**
	 * Waits until the application has noticed the closed stream (at its next keep-alive,
	 * within 15 s).
	 */
	private static void awaitNoPage(HonkerDashboard dashboard) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (dashboard.getLivePageCount() != 0) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("the closed page is still open after 60 s");
			}
			Thread.sleep(100); // polling a condition that has no notification
		}
	}

	/**
	 * What the overview's reads cost, called directly, and a plain count of the live
	 * table as the floor: median of 9 after 3 warm-ups.
	 */
	private static void breakdown(HonkerStats stats, JdbcTemplate jdbc) {
		StringBuilder text = new StringBuilder("  called directly:");
		Map<String, Supplier<?>> reads = new LinkedHashMap<>();
		reads.put("queues()", stats::queues);
		reads.put("workers()", stats::workers);
		reads.put("schedules()", stats::schedules);
		reads.put("streamConsumers()", stats::streamConsumers);
		reads.put("counters()", stats::counters);
		reads.put("baseline SELECT count(*) FROM _honker_live",
				() -> jdbc.queryForObject("SELECT count(*) FROM _honker_live", Long.class));
		for (Map.Entry<String, Supplier<?>> read : reads.entrySet()) {
			double[] millis = new double[9];
			for (int i = 0; i < 12; i++) {
				long begin = System.nanoTime();
				read.getValue().get();
				if (i >= 3) {
					millis[i - 3] = (System.nanoTime() - begin) / 1e6;
				}
			}
			text.append(String.format(" %s %.1f ms;", read.getKey(), BenchDatabase.median(millis)));
		}
		System.out.println(text);
	}

	private static void readFirstEvent(InputStream stream) throws IOException {
		StringBuilder text = new StringBuilder();
		int next;
		while ((next = stream.read()) != -1) {
			text.append((char) next);
			if (text.indexOf("data:") >= 0 && next == '\n') {
				return;
			}
		}
		throw new IllegalStateException("the event stream ended before its first event");
	}

	/**
	 * The process's CPU over the next window, in percent of one core; adds each thread's
	 * CPU time in the window to {@code byThread}, by thread name with digits as {@code N}.
	 */
	private static double cpuPercent(Map<String, Long> byThread) throws InterruptedException {
		OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
		Map<Long, Long> threadsBefore = ProcessCpu.threadsOfThisJvm();
		long cpuBefore = os.getProcessCpuTime();
		long wallBefore = System.nanoTime();
		Thread.sleep(WINDOW.toMillis()); // the measuring window
		double percent = 100.0 * (os.getProcessCpuTime() - cpuBefore) / (System.nanoTime() - wallBefore);
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		ProcessCpu.threadsOfThisJvm().forEach((id, nanos) -> {
			ThreadInfo info = threads.getThreadInfo(id);
			if (info != null) {
				byThread.merge(info.getThreadName().replaceAll("[0-9]+", "N"),
						nanos - threadsBefore.getOrDefault(id, 0L), Long::sum);
			}
		});
		return percent;
	}

	private static ConfigurableApplicationContext start(Path file, Class<?>... more) {
		Class<?>[] sources = new Class<?>[more.length + 1];
		sources[0] = BenchApplication.class;
		System.arraycopy(more, 0, sources, 1, more.length);
		return new SpringApplicationBuilder(sources).logStartupInfo(false)
			.properties(ActuatorTestApplication.EXCLUDED,
					"spring.datasource.url=jdbc:sqlite:" + file, "honker.sqlite.journal-mode=WAL", "server.port=0",
					"server.address=127.0.0.1", "honker.dashboard.enabled=true", "logging.level.root=WARN")
			.run();
	}

	private static String base(ConfigurableApplicationContext app) {
		return "http://127.0.0.1:" + app.getEnvironment().getRequiredProperty("local.server.port") + "/honker";
	}

	private static void fill(Path file) throws SQLException {
		long start = System.nanoTime();
		try (HikariDataSource pool = HonkerTestPool.pool(file);
				Connection connection = pool.getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("BEGIN IMMEDIATE");
			statement.execute("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < "
					+ (QUEUES * PER_QUEUE - 1) + ") "
					+ "INSERT INTO _honker_live (queue, payload, state, run_at, worker_id, claim_expires_at, attempts)"
					+ " SELECT 'queue-' || (i % 20), '{\"order\":' || i || ',\"customer\":\"c' || (i % 977) || '\"}',"
					+ " CASE WHEN i / 20 < 45000 THEN 'pending' ELSE 'processing' END,"
					+ " CASE WHEN i / 20 < 40000 THEN unixepoch() - 3600 + i % 3600"
					+ " WHEN i / 20 < 45000 THEN unixepoch() + 3600 ELSE unixepoch() - 60 END,"
					+ " CASE WHEN i / 20 >= 45000 THEN 'worker-' || (i % 4) END,"
					+ " CASE WHEN i / 20 >= 45000 THEN unixepoch() + 600 END,"
					+ " CASE WHEN i / 20 >= 45000 THEN 1 ELSE 0 END FROM n");
			statement.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)"
					+ " INSERT INTO _honker_dead (id, queue, payload, last_error)"
					+ " SELECT 5000000 + i, 'queue-' || (i % 20), '{}', 'boom' FROM n");
			statement.execute("COMMIT");
			statement.execute("ANALYZE");
		}
		System.out.printf("filled 1,000,000 live and 20,000 dead jobs in %.1f s%n", (System.nanoTime() - start) / 1e9);
	}

	private static double max(double[] values) {
		double max = 0;
		for (double value : values) {
			max = Math.max(max, value);
		}
		return max;
	}

	private static String format(double[] values) {
		StringBuilder text = new StringBuilder();
		for (double value : values) {
			text.append(text.isEmpty() ? "" : " ").append(String.format("%.1f", value));
		}
		return text.toString();
	}

	/** A web application with the dashboard. */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class BenchApplication {

	}

	/** A listener on a queue without jobs, as a worker or a web app with listeners has. */
	@Configuration(proxyBeanMethods = false)
	static class WithListener {

		@HonkerListener(queue = "idle")
		void handle(String payload) {
		}

	}

}
