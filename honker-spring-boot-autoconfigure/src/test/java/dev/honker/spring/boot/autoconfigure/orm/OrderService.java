package dev.honker.spring.boot.autoconfigure.orm;

import org.springframework.transaction.annotation.Transactional;

/**
 * Places an order and enqueues {@code {"orderId": id}} on the {@value #QUEUE} queue in
 * one {@code @Transactional} method; each data-access technology supplies the two writes.
 */
abstract class OrderService {

	static final String QUEUE = "orders";

	/**
	 * Inserts a row into {@code orders}.
	 * @param item what was ordered
	 * @return the new order's id
	 */
	abstract long insertOrder(String item);

	/**
	 * Calls {@code SELECT honker_enqueue(queue, payload, NULL, NULL, 0, 3, NULL)}.
	 * @param queue the queue, {@code null} to make the call fail
	 * @param payload JSON text
	 * @return the job id
	 */
	abstract long enqueue(String queue, String payload);

	/**
	 * Inserts an order, enqueues its job, then throws if asked to.
	 * @param item what was ordered
	 * @param fail whether to throw {@link IllegalStateException} after both writes
	 * @return the order id
	 */
	@Transactional
	public long placeOrder(String item, boolean fail) {
		long id = insertOrder(item);
		enqueue(QUEUE, payload(id));
		if (fail) {
			throw new IllegalStateException("payment declined");
		}
		return id;
	}

	/**
	 * Inserts an order, calls {@code honker_enqueue} with a NULL queue and catches its
	 * error, then enqueues the order's job properly in the same transaction and commits.
	 * @param item what was ordered
	 * @return the error of the failed call, or {@code null} if it did not fail
	 */
	@Transactional
	public RuntimeException placeOrderAfterFailedEnqueue(String item) {
		long id = insertOrder(item);
		RuntimeException failure = null;
		try {
			enqueue(null, payload(id));
		}
		catch (RuntimeException ex) {
			failure = ex;
		}
		enqueue(QUEUE, payload(id));
		return failure;
	}

	static String payload(long orderId) {
		return "{\"orderId\":" + orderId + "}";
	}

}
