package dev.honker.sample.web.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

import dev.honker.sample.orders.Order;
import dev.honker.sample.orders.OrderRepository;

/**
 * The one-command demo ({@code demo} argument): starts the worker app as a second process
 * on the same file, places orders over HTTP, reports what the worker did, then shuts the
 * worker down. With {@code --keep-running} both stay up for {@code curl}.
 *
 * <p>
 * It runs in two phases. First, orders one at a time, each waiting for its confirmation:
 * the commit-to-handler latency of a worker that is idle when the commit lands. Then a
 * burst from four concurrent clients, with a retry, a dead letter, invalid and
 * rolled-back orders mixed in: the throughput, and the latency while both processes
 * compete for SQLite's single write lock.
 */
@Component
public class DemoRunner implements ApplicationRunner {

	private final Environment environment;

	private final OrderRepository orders;

	private final JdbcClient jdbc;

	private final CommitTimes commitTimes;

	DemoRunner(Environment environment, OrderRepository orders, JdbcClient jdbc, CommitTimes commitTimes) {
		this.environment = environment;
		this.orders = orders;
		this.jdbc = jdbc;
		this.commitTimes = commitTimes;
	}

	/**
	 * Whether these arguments ask for a demo that ends by itself, after which the web app
	 * exits too.
	 */
	public static boolean isFiniteDemo(String... args) {
		List<String> arguments = List.of(args);
		return arguments.contains("demo") && !arguments.contains("--keep-running");
	}

	@Override
	public void run(ApplicationArguments args) throws Exception {
		if (!args.getNonOptionArgs().contains("demo")) {
			return;
		}
		int sequential = environment.getProperty("demo.sequential-orders", Integer.class, 100);
		int burst = environment.getProperty("demo.burst-orders", Integer.class, 300);
		Path dbFile = Path.of(environment.getRequiredProperty("sample.db-file")).toAbsolutePath();
		String baseUrl = "http://localhost:" + environment.getRequiredProperty("local.server.port");
		RestClient http = RestClient.create(baseUrl);

		say("database file %s", dbFile);
		int workerPort = environment.getProperty("sample.worker-management-port", Integer.class, 8082);
		WorkerProcess worker = WorkerProcess.start(dbFile, workerPort);
		Runtime.getRuntime().addShutdownHook(new Thread(worker::closeQuietly));
		if (!worker.awaitReady(Duration.ofSeconds(180))) {
			throw new IllegalStateException("the worker app did not start within 180 s");
		}
		say("worker app running as pid %d, its Actuator at %s", worker.pid(), worker.actuatorUrl());

		say("phase 1: %d orders one at a time, each waiting for the worker's confirmation", sequential);
		List<Long> idle = placeOneAtATime(new OrderClient(http), sequential);

		say("phase 2: %d orders from 4 concurrent clients", burst);
		OrderClient client = new OrderClient(http);
		long startedNanos = System.nanoTime();
		placeBurst(client, burst);
		awaitConfirmed(client.acceptedExcept(OrderClient.POISON_ITEM));
		double seconds = (System.nanoTime() - startedNanos) / 1e9;
		report(client, idle, seconds);
		showWorkerActuator(worker.actuatorUrl());

		if (args.containsOption("keep-running")) {
			say("both apps keep running. Try:%n" + "  curl -s %s/orders/1%n"
					+ "  curl -s -XPOST -H 'Content-Type: application/json' -d '{\"customer\":\"you\",\"item\":\"book\",\"quantity\":1}' %s/orders%n"
					+ "Ctrl-C stops both.", baseUrl, baseUrl);
			return;
		}
		say("stopping the worker gracefully");
		worker.close();
		say("done");
	}

	private List<Long> placeOneAtATime(OrderClient client, int count) throws InterruptedException {
		List<Long> latencies = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			long id = client.placePlain(i);
			awaitConfirmed(Set.of(id));
			latencies.add(latencyMicros(orders.findById(id).orElseThrow()));
		}
		return latencies;
	}

	private static void placeBurst(OrderClient client, int count) throws InterruptedException {
		ExecutorService clients = Executors.newFixedThreadPool(4);
		for (int i = 1; i <= count; i++) {
			int n = i;
			clients.execute(() -> client.placeMixed(n));
		}
		clients.shutdown();
		if (!clients.awaitTermination(5, TimeUnit.MINUTES)) {
			throw new IllegalStateException("placing orders took more than 5 minutes");
		}
	}

	private void awaitConfirmed(Set<Long> ids) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
		long lastReported = -1;
		while (true) {
			long confirmed = countConfirmed(ids);
			if (confirmed == ids.size()) {
				return;
			}
			if (ids.size() > 1 && confirmed / 50 != lastReported) {
				say("%d of %d confirmed", confirmed, ids.size());
				lastReported = confirmed / 50;
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(
						"only " + confirmed + " of " + ids.size() + " orders confirmed after 120 s");
			}
			Thread.sleep(ids.size() > 1 ? 100 : 1);
		}
	}

	/**
	 * Counts confirmed orders with a plain autocommit read. A repository call would open
	 * a transaction, which with transaction_mode=IMMEDIATE takes the write lock and would
	 * slow the worker down while the demo polls.
	 */
	private long countConfirmed(Set<Long> ids) {
		String idsJson = ids.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
		return jdbc
			.sql("SELECT count(*) FROM orders WHERE status = 'CONFIRMED' AND id IN (SELECT value FROM json_each(?))")
			.param(idsJson)
			.query(Long.class)
			.single();
	}

	private long latencyMicros(Order order) {
		return order.getHandlerStartedMicros() - commitTimes.committedMicros(order.getId());
	}

	private void report(OrderClient client, List<Long> idle, double burstSeconds) {
		List<Long> underLoad = new ArrayList<>();
		int retried = 0;
		for (Order order : orders.findAllById(client.acceptedExcept(OrderClient.POISON_ITEM))) {
			if (order.getConfirmedOnAttempt() == 1) {
				underLoad.add(latencyMicros(order));
			}
			else {
				retried++;
			}
		}
		List<Map<String, Object>> dead = jdbc
			.sql("SELECT id, queue, attempts, last_error FROM _honker_dead ORDER BY id")
			.query()
			.listOfRows();
		long liveJobs = jdbc.sql("SELECT count(*) FROM _honker_live").query(Long.class).single();
		long orderRows = orders.count() - idle.size();
		Percentiles quiet = new Percentiles(idle);
		Percentiles busy = new Percentiles(underLoad);

		say("---- summary ----");
		say("commit -> handler's first line, worker idle (%d orders): p50 %.2f ms, p99 %.2f ms", quiet.count(),
				quiet.at(50) / 1000.0, quiet.at(99) / 1000.0);
		say("burst: %d orders placed and confirmed in %.2f s (%.0f orders/s end to end)", underLoad.size() + retried,
				burstSeconds, (underLoad.size() + retried) / burstSeconds);
		say("commit -> handler's first line during the burst (%d orders): p50 %.2f ms, p99 %.2f ms", busy.count(),
				busy.at(50) / 1000.0, busy.at(99) / 1000.0);
		say("retried: %d orders failed their first attempt and were confirmed on the second", retried);
		say("dead letters: %d", dead.size());
		dead.forEach(row -> say("  job %s on %s after %s attempt(s): %s", row.get("id"), row.get("queue"),
				row.get("attempts"), row.get("last_error")));
		say("invalid: %d orders refused with 400, nothing written", client.invalid());
		say("rolled back: %d orders were written with their job, then refused with 409", client.rolledBack());
		say("burst order rows %d = orders accepted %d; jobs still queued: %d", orderRows, client.acceptedCount(),
				liveJobs);
	}

	/**
	 * What the worker's Actuator says after the demo: its health and its Honker metrics
	 * from the Prometheus scrape.
	 */
	private static void showWorkerActuator(String actuatorUrl) {
		RestClient actuator = RestClient.create(actuatorUrl);
		say("---- the worker's Actuator ----");
		say("GET %s/health", actuatorUrl);
		say("%s", actuator.get().uri("/health").retrieve().body(String.class));
		say("GET %s/prometheus (Honker's job counters)", actuatorUrl);
		actuator.get()
			.uri("/prometheus")
			.retrieve()
			.body(String.class)
			.lines()
			.filter(line -> line.startsWith("honker_jobs_") && line.contains("_total"))
			.forEach(line -> say("%s", line));
	}

	private static void say(String format, Object... args) {
		System.out.println("demo   | " + String.format(format, args));
	}

}
