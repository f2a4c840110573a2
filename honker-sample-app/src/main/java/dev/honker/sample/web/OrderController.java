package dev.honker.sample.web;

import java.net.URI;

import jakarta.validation.Valid;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.honker.sample.orders.Order;
import dev.honker.sample.orders.OrderRepository;
import dev.honker.sample.orders.OrderStatusChanged;
import dev.honker.spring.web.HonkerEvents;

/** The orders HTTP API. */
@RestController
@RequestMapping("/orders")
class OrderController {

	private final OrderService service;

	private final OrderRepository orders;

	private final HonkerEvents events;

	OrderController(OrderService service, OrderRepository orders, HonkerEvents events) {
		this.service = service;
		this.orders = orders;
		this.events = events;
	}

	/** Places an order; its confirmation job is enqueued in the same transaction. */
	@PostMapping
	ResponseEntity<OrderView> place(@Valid @RequestBody NewOrder request) {
		return created(service.place(request));
	}

	/**
	 * Places an order whose job is enqueued by a native
	 * {@code SELECT honker_enqueue(...)} query.
	 */
	@PostMapping("/native")
	ResponseEntity<OrderView> placeWithNativeQuery(@Valid @RequestBody NewOrder request) {
		return created(service.placeWithNativeQuery(request));
	}

	/** The order and its status. */
	@GetMapping("/{id}")
	ResponseEntity<OrderView> get(@PathVariable long id) {
		return ResponseEntity.of(orders.findById(id).map(OrderView::of));
	}

	/**
	 * Order status changes as Server-Sent Events, sent as the worker's transactions
	 * commit; the order page listens to them instead of polling.
	 */
	@GetMapping("/events")
	SseEmitter statusChanges(@RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
		return events.sse(OrderStatusChanged.CHANNEL, lastEventId);
	}

	private static ResponseEntity<OrderView> created(Order order) {
		return ResponseEntity.created(URI.create("/orders/" + order.getId())).body(OrderView.of(order));
	}

}
