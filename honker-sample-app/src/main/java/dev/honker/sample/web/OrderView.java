package dev.honker.sample.web;

import java.time.Instant;

import dev.honker.sample.orders.Order;
import dev.honker.sample.orders.OrderStatus;

/** An order as the HTTP API shows it. */
public record OrderView(long id, String customer, String item, int quantity, OrderStatus status,
		Integer confirmedOnAttempt, Instant confirmedAt) {

	static OrderView of(Order order) {
		return new OrderView(order.getId(), order.getCustomer(), order.getItem(), order.getQuantity(),
				order.getStatus(), order.getConfirmedOnAttempt(), order.getConfirmedAt());
	}
}
