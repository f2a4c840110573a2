package dev.honker.sample.web.demo;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

import dev.honker.sample.orders.Clock;
import dev.honker.sample.orders.OrderPlaced;

/**
 * Records when each order's transaction committed, for the demo's commit-to-handler
 * latency.
 */
@Component
class CommitTimes {

	private final Map<Long, Long> committedMicros = new ConcurrentHashMap<>();

	@TransactionalEventListener
	void afterCommit(OrderPlaced placed) {
		committedMicros.put(placed.orderId(), Clock.nowMicros());
	}

	Long committedMicros(long orderId) {
		return committedMicros.get(orderId);
	}

}
