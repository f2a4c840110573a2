package dev.honker.sample.orders;

/** The payload of an order-confirmation job. */
public record OrderConfirmation(long orderId, String customer, String item) {

	/** The queue the web app enqueues confirmations on and the worker listens to. */
	public static final String QUEUE = "order-confirmations";

}
