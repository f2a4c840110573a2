package dev.honker.spring.listener;

/** How one attempt of a job ended on this worker, as a {@link JobInterceptor} sees it. */
public enum JobOutcome {

	/**
	 * The handler returned. With {@link AckMode#TRANSACTIONAL} the job is acknowledged;
	 * otherwise its acknowledgement follows in the listener's next batch.
	 */
	SUCCEEDED,

	/** The handler failed and the job was scheduled to run again. */
	RETRIED,

	/** The handler failed and the job went to the dead table. */
	DEAD_LETTERED,

	/**
	 * The handler failed and the job's payload moved to another queue
	 * ({@link FailureAction#moveTo}).
	 */
	MOVED,

	/**
	 * The handler failed and the error handler acknowledged the job
	 * ({@link FailureAction#acknowledge()}).
	 */
	DISCARDED,

	/**
	 * Nothing was recorded: shutdown gave up on the handler, the claim was lost, or the
	 * failure could not be written. The job runs again when its claim expires.
	 */
	ABANDONED

}
