package dev.honker.sample.orders;

/**
 * The notification the worker sends when an order changes status, in the same transaction
 * as the change; the order page receives it over Server-Sent Events.
 */
public record OrderStatusChanged(long orderId, OrderStatus status) {

	/** The notification channel. */
	public static final String CHANNEL = "order-status";

}
