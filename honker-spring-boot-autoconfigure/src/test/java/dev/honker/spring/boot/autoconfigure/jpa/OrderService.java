package dev.honker.spring.boot.autoconfigure.jpa;

import java.util.Map;

import dev.honker.spring.core.HonkerTemplate;

import org.springframework.transaction.annotation.Transactional;

/** Places orders and enqueues a job for each, in one {@code @Transactional} method. */
public class OrderService {

	private final OrderRepository orders;

	private final HonkerTemplate honker;

	/**
	 * A service on a repository and a template.
	 * @param orders the order repository
	 * @param honker the Honker template
	 */
	public OrderService(OrderRepository orders, HonkerTemplate honker) {
		this.orders = orders;
		this.honker = honker;
	}

	/**
	 * Saves an order and enqueues {@code {"orderId": id}} with {@link HonkerTemplate}.
	 * @param item what was ordered
	 * @param fail whether to throw after both writes
	 * @return the order id
	 */
	@Transactional
	public long placeOrder(String item, boolean fail) {
		long id = this.orders.save(new Order(item)).getId();
		this.honker.enqueue("orders", Map.of("orderId", id));
		failIf(fail);
		return id;
	}

	/**
	 * Saves an order and enqueues {@code {"orderId": id}} with a native query.
	 * @param item what was ordered
	 * @param fail whether to throw after both writes
	 * @return the order id
	 */
	@Transactional
	public long placeOrderWithNativeQuery(String item, boolean fail) {
		long id = this.orders.save(new Order(item)).getId();
		this.orders.enqueue("orders", "{\"orderId\":" + id + "}");
		failIf(fail);
		return id;
	}

	/**
	 * Saves an order only: the baseline of the benchmark.
	 * @param item what was ordered
	 * @return the order id
	 */
	@Transactional
	public long saveOnly(String item) {
		return this.orders.save(new Order(item)).getId();
	}

	private static void failIf(boolean fail) {
		if (fail) {
			throw new IllegalStateException("payment declined");
		}
	}

}
