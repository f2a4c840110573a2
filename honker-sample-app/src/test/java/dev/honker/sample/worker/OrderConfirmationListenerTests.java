package dev.honker.sample.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;

import dev.honker.sample.orders.Order;
import dev.honker.sample.orders.OrderConfirmation;
import dev.honker.sample.orders.OrderRepository;
import dev.honker.sample.orders.OrderStatus;
import dev.honker.spring.core.HonkerOperations;
import dev.honker.spring.test.HonkerTestDatabase;
import dev.honker.spring.test.HonkerTestSupport;

/**
 * The worker's listener, run in the test thread with {@link HonkerTestSupport#runPending}
 * on a fresh database file: confirmations, a retry, and a dead letter.
 */
@SpringBootTest(classes = WorkerApplication.class,
		properties = { "honker.listener.auto-startup=false", "spring.jpa.hibernate.ddl-auto=update" })
@ActiveProfiles("worker")
@HonkerTestDatabase
class OrderConfirmationListenerTests {

	private static final String LISTENER = "order-confirmations";

	@Autowired
	OrderRepository orders;

	@Autowired
	HonkerOperations honker;

	@Autowired
	HonkerTestSupport support;

	@Autowired
	JdbcClient jdbc;

	@Test
	void confirmsTheOrderInTheSameTransactionAsTheAcknowledgement() {
		Order order = this.orders.save(new Order("ann", "widget", 1));
		this.honker.enqueue(OrderConfirmation.QUEUE, new OrderConfirmation(order.getId(), "ann", "widget"));
		assertThat(this.support.runPending(LISTENER)).isOne();
		Order confirmed = this.orders.findById(order.getId()).orElseThrow();
		assertThat(confirmed.getStatus()).isEqualTo(OrderStatus.CONFIRMED);
		assertThat(confirmed.getConfirmedOnAttempt()).isOne();
		this.support.awaitDrained(OrderConfirmation.QUEUE, java.time.Duration.ZERO);
	}

	@Test
	void aFlakyFirstAttemptIsRetriedLater() {
		Order order = this.orders.save(new Order("bob", "flaky gizmo", 1));
		long job = this.honker.enqueue(OrderConfirmation.QUEUE,
				new OrderConfirmation(order.getId(), "bob", "flaky gizmo"));
		assertThat(this.support.runPending(LISTENER)).isOne();
		assertThat(this.jdbc.sql("SELECT state || ':' || attempts FROM _honker_live WHERE id = ?")
			.param(job)
			.query(String.class)
			.single()).isEqualTo("pending:1");
		assertThat(this.orders.findById(order.getId()).orElseThrow().getStatus()).isEqualTo(OrderStatus.PENDING);
		this.honker.cancel(job);
	}

	@Test
	void aPoisonPillGoesStraightToTheDeadTable() {
		Order order = this.orders.save(new Order("carol", "poison pill", 1));
		long job = this.honker.enqueue(OrderConfirmation.QUEUE,
				new OrderConfirmation(order.getId(), "carol", "poison pill"));
		assertThat(this.support.runPending(LISTENER)).isOne();
		assertThat(this.jdbc.sql("SELECT last_error FROM _honker_dead WHERE id = ?")
			.param(job)
			.query(String.class)
			.single()).isEqualTo("dev.honker.sample.worker.PermanentFailure: item 'poison pill' is not sold here");
	}

}
