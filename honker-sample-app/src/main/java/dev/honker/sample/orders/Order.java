package dev.honker.sample.orders;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A customer's order; the worker app confirms it. */
@Entity
@Table(name = "orders")
public class Order {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private Long id;

	@Column(nullable = false)
	private String customer;

	@Column(nullable = false)
	private String item;

	@Column(nullable = false)
	private int quantity;

	@Enumerated(EnumType.STRING)
	@Column(nullable = false)
	private OrderStatus status = OrderStatus.PENDING;

	/**
	 * When the worker's handler started on this order's confirmation job, in epoch
	 * microseconds.
	 */
	private Long handlerStartedMicros;

	/**
	 * The attempt of the confirmation job that confirmed the order (1 unless it was
	 * retried).
	 */
	private Integer confirmedOnAttempt;

	private Instant confirmedAt;

	protected Order() {
	}

	public Order(String customer, String item, int quantity) {
		this.customer = customer;
		this.item = item;
		this.quantity = quantity;
	}

	public Long getId() {
		return id;
	}

	public String getCustomer() {
		return customer;
	}

	public String getItem() {
		return item;
	}

	public int getQuantity() {
		return quantity;
	}

	public OrderStatus getStatus() {
		return status;
	}

	public Long getHandlerStartedMicros() {
		return handlerStartedMicros;
	}

	public Integer getConfirmedOnAttempt() {
		return confirmedOnAttempt;
	}

	public Instant getConfirmedAt() {
		return confirmedAt;
	}

	/**
	 * Marks the order confirmed by the given attempt of a handler that started at the
	 * given time.
	 */
	public void confirm(int attempt, long handlerStartedMicros, Instant confirmedAt) {
		this.status = OrderStatus.CONFIRMED;
		this.confirmedOnAttempt = attempt;
		this.handlerStartedMicros = handlerStartedMicros;
		this.confirmedAt = confirmedAt;
	}

}
