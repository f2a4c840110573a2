package dev.honker.sample.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import dev.honker.sample.orders.OrderConfirmation;
import dev.honker.sample.orders.OrderRepository;
import dev.honker.spring.test.HonkerTestDatabase;
import dev.honker.spring.test.HonkerTestSupport;

/**
 * The web app's order service, on a fresh database file: an order and its confirmation
 * job commit together, and a refused order leaves neither.
 */
@SpringBootTest(classes = WebApplication.class, webEnvironment = WebEnvironment.NONE)
@HonkerTestDatabase
class OrderServiceTests {

	@Autowired
	OrderService orders;

	@Autowired
	OrderRepository repository;

	@Autowired
	HonkerTestSupport honker;

	@Test
	void placingAnOrderEnqueuesItsConfirmation() {
		long id = this.orders.place(new NewOrder("ann", "widget", 2)).getId();
		assertThat(this.honker.enqueuedPayloads(OrderConfirmation.QUEUE, OrderConfirmation.class))
			.containsExactly(new OrderConfirmation(id, "ann", "widget"));
	}

	@Test
	void anOrderPlacedThroughANativeQueryEnqueuesTheSameConfirmation() {
		long id = this.orders.placeWithNativeQuery(new NewOrder("bob", "gadget", 1)).getId();
		assertThat(this.honker.enqueuedPayloads(OrderConfirmation.QUEUE, OrderConfirmation.class))
			.containsExactly(new OrderConfirmation(id, "bob", "gadget"));
	}

	@Test
	void aRefusedOrderLeavesNeitherTheOrderNorItsJob() {
		long before = this.repository.count();
		assertThatExceptionOfType(OutOfStockException.class)
			.isThrownBy(() -> this.orders.place(new NewOrder("carol", "widget", OrderService.STOCK + 1)));
		assertThat(this.honker.enqueuedJobs()).isEmpty();
		assertThat(this.repository.count()).isEqualTo(before);
	}

}
