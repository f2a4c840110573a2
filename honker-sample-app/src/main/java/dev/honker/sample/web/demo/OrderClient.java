package dev.honker.sample.web.demo;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.springframework.http.HttpStatusCode;
import org.springframework.web.client.RestClient;

import dev.honker.sample.web.NewOrder;
import dev.honker.sample.web.OrderView;

/** Places the demo's orders over HTTP and counts what the web app answered. */
final class OrderClient {

	static final String FLAKY_ITEM = "flaky gizmo";
	static final String POISON_ITEM = "poison pill";

	private final RestClient http;

	private final Map<Long, String> accepted = new ConcurrentHashMap<>();

	private final AtomicInteger invalid = new AtomicInteger();

	private final AtomicInteger rolledBack = new AtomicInteger();

	OrderClient(RestClient http) {
		this.http = http;
	}

	/** Places a plain order and returns its id. */
	long placePlain(int n) {
		Object answer = post("/orders", new NewOrder("customer-" + n % 37, "widget", 1 + n % 5));
		if (!(answer instanceof OrderView created)) {
			throw new IllegalStateException("the web app refused a plain order: " + answer);
		}
		return created.id();
	}

	/**
	 * Places order number {@code n} of the burst: every 10th through the native-query
	 * path, and a few that show a retry (flaky), a dead letter (poison), a rolled-back
	 * transaction (more than in stock) or a validation error (negative quantity).
	 */
	void placeMixed(int n) {
		String customer = "customer-" + n % 37;
		NewOrder order;
		if (n == 42) {
			order = new NewOrder(customer, POISON_ITEM, 1);
		}
		else if (n % 100 == 13) {
			order = new NewOrder(customer, "rare lamp", 500);
		}
		else if (n % 100 == 31) {
			order = new NewOrder(customer, "broken request", -1);
		}
		else {
			order = new NewOrder(customer, n % 50 == 7 ? FLAKY_ITEM : "widget", 1 + n % 5);
		}
		Object answer = post(n % 10 == 0 ? "/orders/native" : "/orders", order);
		if (answer instanceof HttpStatusCode status) {
			(status.value() == 409 ? rolledBack : invalid).incrementAndGet();
		}
	}

	private Object post(String path, NewOrder order) {
		Object answer = http.post()
			.uri(path)
			.body(order)
			.exchange((request, reply) -> reply.getStatusCode().is2xxSuccessful() ? reply.bodyTo(OrderView.class)
					: reply.getStatusCode());
		if (answer instanceof OrderView created) {
			accepted.put(created.id(), created.item());
		}
		return answer;
	}

	/** Ids of the accepted orders, except those of the given item. */
	Set<Long> acceptedExcept(String item) {
		return accepted.entrySet()
			.stream()
			.filter(e -> !e.getValue().equals(item))
			.map(Map.Entry::getKey)
			.collect(Collectors.toSet());
	}

	int acceptedCount() {
		return accepted.size();
	}

	int invalid() {
		return invalid.get();
	}

	int rolledBack() {
		return rolledBack.get();
	}

}
