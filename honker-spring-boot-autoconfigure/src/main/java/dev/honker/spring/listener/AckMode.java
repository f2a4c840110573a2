package dev.honker.spring.listener;

/** When a listener acknowledges a job. */
public enum AckMode {

	/**
	 * Acknowledge after the handler returns, in a separate transaction (batched with
	 * other acknowledgements). A crash in between runs the job again: at-least-once.
	 */
	AFTER_HANDLER,

	/**
	 * Run the handler and the acknowledgement in one transaction of the application's
	 * {@code PlatformTransactionManager}, so the handler's own writes to the same
	 * database and the job's completion commit together, or neither does.
	 */
	TRANSACTIONAL

}
