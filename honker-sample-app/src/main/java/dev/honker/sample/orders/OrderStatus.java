package dev.honker.sample.orders;

/** Where an order is in its life. */
public enum OrderStatus {

	/** Saved; its confirmation job is queued or running. */
	PENDING,
	/** The worker confirmed it. */
	CONFIRMED

}
