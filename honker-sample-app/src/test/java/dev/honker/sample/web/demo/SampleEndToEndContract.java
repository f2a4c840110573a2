package dev.honker.sample.web.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.client.RestClient;

import dev.honker.sample.web.NewOrder;
import dev.honker.sample.web.OrderView;
import tools.jackson.databind.json.JsonMapper;

/**
 * The web app runs in this JVM, the worker app in a separate JVM on the same database.
 * Orders go in over HTTP; the tables say what the worker did. The SQL is the same on
 * SQLite and PostgreSQL: each subclass runs it on one of them.
 */
abstract class SampleEndToEndContract {

	@Autowired
	Environment environment;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	JsonMapper json;

	/** The worker app's arguments that point it at the web app's database. */
	abstract List<String> workerArguments();

	@Test
	void ordersPlacedOverHttpAreConfirmedByTheWorkerProcess() throws Exception {
		RestClient http = RestClient.create("http://localhost:" + environment.getRequiredProperty("local.server.port"));
		try (WorkerProcess worker = WorkerProcess.start(0, workerArguments())) {
			assertThat(worker.awaitReady(Duration.ofSeconds(90))).as("worker app started").isTrue();

			List<Long> plain = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				plain.add(place(http, i % 4 == 0 ? "/orders/native" : "/orders", new NewOrder("c" + i, "widget", 1))
					.id());
			}
			long flaky = place(http, "/orders", new NewOrder("flaky-customer", OrderClient.FLAKY_ITEM, 1)).id();
			long poison = place(http, "/orders", new NewOrder("poison-customer", OrderClient.POISON_ITEM, 1)).id();
			// The trace context stored beside the flaky order's job: the README's trace
			// example.
			System.out.println("trace context of the flaky order's job: " + jdbc.sql(
					"SELECT t.job_id, t.context, l.payload FROM honker_spring_job_trace t JOIN _honker_live l ON l.id = t.job_id")
				.query()
				.listOfRows()
				.stream()
				.filter(row -> orderIdOf(row) == flaky)
				.toList());

			Map<String, Object> refused = problem(http, new NewOrder("rollback-customer", "rare lamp", 500));
			assertThat(refused).containsEntry("status", 409);
			Map<String, Object> invalid = problem(http, new NewOrder("invalid-customer", "widget", -1));
			assertThat(invalid).containsEntry("status", 400);
			assertThat((String) invalid.get("detail")).contains("quantity").contains("-1");

			List<Long> confirmable = new ArrayList<>(plain);
			confirmable.add(flaky);
			await().atMost(Duration.ofSeconds(60))
				.untilAsserted(() -> assertThat(statusOf(confirmable)).as("every order confirmed by the worker")
					.containsOnly("CONFIRMED")
					.hasSize(confirmable.size()));

			assertThat(get(http, flaky).confirmedOnAttempt()).as("the flaky order was retried once").isEqualTo(2);
			assertThat(get(http, plain.get(0)).confirmedOnAttempt()).isEqualTo(1);

			Map<String, Object> dead = await().atMost(Duration.ofSeconds(30))
				.until(() -> deadJobFor(poison), row -> row != null);
			assertThat(dead.get("last_error")).asString()
				.isEqualTo("dev.honker.sample.worker.PermanentFailure: item 'poison pill' is not sold here");
			assertThat(((Number) dead.get("attempts")).longValue()).isEqualTo(1);
			assertThat(get(http, poison).status()).hasToString("PENDING");

			assertThat(
					jdbc.sql("SELECT count(*) FROM orders WHERE customer IN ('rollback-customer', 'invalid-customer')")
						.query(Long.class)
						.single())
				.as("refused orders left no row")
				.isZero();
			assertThat(jdbc
				.sql("""
						SELECT count(*) FROM (SELECT payload FROM _honker_live UNION ALL SELECT payload FROM _honker_dead) jobs
						 WHERE payload LIKE '%rollback-customer%' OR payload LIKE '%invalid-customer%'""")
				.query(Long.class)
				.single()).as("refused orders left no job").isZero();
			assertThat(jdbc.sql("SELECT count(*) FROM _honker_live").query(Long.class).single())
				.as("nothing left in the queue")
				.isZero();

			RestClient actuator = RestClient
				.create("http://localhost:" + environment.getRequiredProperty("local.management.port") + "/actuator");
			String health = actuator.get().uri("/health").retrieve().body(String.class);
			String scrape = actuator.get().uri("/prometheus").retrieve().body(String.class);
			// What a user sees, for the README.
			System.out.println("health: " + health);
			scrape.lines().filter(line -> line.startsWith("honker_")).forEach(System.out::println);
			assertThat(health).contains("\"honker\"").contains("\"writable\":true");
			assertThat(scrape).contains("honker_jobs_enqueued_total{queue=\"order-confirmations\"} 17.0");
			assertThat(actuator.get().uri("/honker/queues/order-confirmations/dead").retrieve().body(String.class))
				.contains("is not sold here");
		}
	}

	private static OrderView place(RestClient http, String path, NewOrder order) {
		return http.post().uri(path).body(order).retrieve().body(OrderView.class);
	}

	private static OrderView get(RestClient http, long id) {
		return http.get().uri("/orders/{id}", id).retrieve().body(OrderView.class);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> problem(RestClient http, NewOrder order) {
		return http.post().uri("/orders").body(order).exchange((request, reply) -> reply.bodyTo(Map.class));
	}

	private List<String> statusOf(List<Long> ids) {
		return ids.stream()
			.map(id -> jdbc.sql("SELECT status FROM orders WHERE id = ?").param(id).query(String.class).single())
			.toList();
	}

	private Map<String, Object> deadJobFor(long orderId) {
		return jdbc.sql("SELECT attempts, last_error, payload FROM _honker_dead")
			.query()
			.listOfRows()
			.stream()
			.filter(row -> orderIdOf(row) == orderId)
			.findFirst()
			.orElse(null);
	}

	/** The order id in the payload of a job row. */
	private long orderIdOf(Map<String, Object> row) {
		return json.readTree((String) row.get("payload")).path("orderId").asLong();
	}

}
