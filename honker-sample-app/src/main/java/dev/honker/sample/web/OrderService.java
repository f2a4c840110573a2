package dev.honker.sample.web;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.honker.sample.orders.Order;
import dev.honker.sample.orders.OrderConfirmation;
import dev.honker.sample.orders.OrderPlaced;
import dev.honker.sample.orders.OrderRepository;
import dev.honker.spring.core.HonkerTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Places orders. The order row and its confirmation job are written in one transaction:
 * both commit, or neither does.
 */
@Service
public class OrderService {

	/**
	 * Larger orders are refused after they were written, to show that the rollback takes
	 * the job too.
	 */
	static final int STOCK = 100;

	private final OrderRepository orders;

	private final HonkerTemplate honker;

	private final JsonMapper json;

	private final ApplicationEventPublisher events;

	OrderService(OrderRepository orders, HonkerTemplate honker, JsonMapper json, ApplicationEventPublisher events) {
		this.orders = orders;
		this.honker = honker;
		this.json = json;
		this.events = events;
	}

	/** Saves the order and enqueues its confirmation with {@link HonkerTemplate}. */
	@Transactional
	public Order place(NewOrder request) {
		Order order = orders.save(new Order(request.customer(), request.item(), request.quantity()));
		honker.enqueue(OrderConfirmation.QUEUE, confirmationOf(order));
		checkStock(request);
		events.publishEvent(new OrderPlaced(order.getId()));
		return order;
	}

	/**
	 * The same, but the job is enqueued by a native SQL query through JPA, as any ORM
	 * can.
	 */
	@Transactional
	public Order placeWithNativeQuery(NewOrder request) {
		Order order = orders.save(new Order(request.customer(), request.item(), request.quantity()));
		orders.enqueueNative(OrderConfirmation.QUEUE, json.writeValueAsString(confirmationOf(order)));
		checkStock(request);
		events.publishEvent(new OrderPlaced(order.getId()));
		return order;
	}

	private static OrderConfirmation confirmationOf(Order order) {
		return new OrderConfirmation(order.getId(), order.getCustomer(), order.getItem());
	}

	private static void checkStock(NewOrder request) {
		if (request.quantity() > STOCK) {
			throw new OutOfStockException(request.item(), request.quantity(), STOCK);
		}
	}

}
