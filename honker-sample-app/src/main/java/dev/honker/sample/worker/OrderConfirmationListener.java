package dev.honker.sample.worker;

import java.time.Instant;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.stereotype.Component;

import dev.honker.sample.orders.Clock;
import dev.honker.sample.orders.Order;
import dev.honker.sample.orders.OrderConfirmation;
import dev.honker.sample.orders.OrderRepository;
import dev.honker.spring.listener.HonkerJob;
import dev.honker.spring.listener.HonkerListener;

/**
 * Confirms orders. The handler and the job's ack run in one transaction, so an order is
 * marked confirmed exactly when its job completes.
 */
@Component
class OrderConfirmationListener {

	private static final Log logger = LogFactory.getLog(OrderConfirmationListener.class);

	private final OrderRepository orders;

	OrderConfirmationListener(OrderRepository orders) {
		this.orders = orders;
	}

	@HonkerListener(id = "order-confirmations", queue = OrderConfirmation.QUEUE, concurrency = "2",
			ackMode = "TRANSACTIONAL")
	void confirm(OrderConfirmation confirmation, HonkerJob job) {
		long startedMicros = Clock.nowMicros();
		if ("poison pill".equals(confirmation.item())) {
			logger.info("order " + confirmation.orderId() + ": '" + confirmation.item()
					+ "' cannot be confirmed, giving up (job " + job.id() + ")");
			throw new PermanentFailure("item '" + confirmation.item() + "' is not sold here");
		}
		if ("flaky gizmo".equals(confirmation.item()) && job.attempts() == 1) {
			logger.info("order " + confirmation.orderId() + ": supplier timed out on attempt 1, job " + job.id()
					+ " will be retried");
			throw new IllegalStateException("supplier timed out");
		}
		Order order = orders.findById(confirmation.orderId())
			.orElseThrow(() -> new PermanentFailure("order " + confirmation.orderId() + " does not exist"));
		order.confirm(Math.toIntExact(job.attempts()), startedMicros, Instant.now());
		if (job.attempts() > 1) {
			logger.info("order " + confirmation.orderId() + ": confirmed on attempt " + job.attempts());
		}
	}

}
