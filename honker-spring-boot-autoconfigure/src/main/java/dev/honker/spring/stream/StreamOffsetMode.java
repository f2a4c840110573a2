package dev.honker.spring.stream;

/** When a stream consumer saves its offset. */
public enum StreamOffsetMode {

	/**
	 * After each batch of events (up to the batch size) has been handled, in a
	 * transaction of its own. Delivery is at-least-once: after a crash, the events of the
	 * unfinished batch are delivered again.
	 */
	AFTER_BATCH,

	/**
	 * In the transaction the handler runs in, one event per transaction: the handler's
	 * own writes to the same database and the offset commit together, so their effects
	 * happen exactly once. Needs the application's transaction manager.
	 */
	TRANSACTIONAL

}
