package dev.honker.spring.boot.autoconfigure.jpa;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A business row written in the same transaction as a Honker job. */
@Entity
@Table(name = "orders")
public class Order {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private Long id;

	private String item;

	/** For JPA. */
	protected Order() {
	}

	/**
	 * A new order.
	 * @param item what was ordered
	 */
	public Order(String item) {
		this.item = item;
	}

	/**
	 * The generated id.
	 * @return the id, once saved
	 */
	public Long getId() {
		return this.id;
	}

	/**
	 * What was ordered.
	 * @return the item
	 */
	public String getItem() {
		return this.item;
	}

}
