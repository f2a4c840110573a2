package dev.honker.spring.listener;

/**
 * Runs around every attempt of every job of the listeners, on the handler thread: for
 * metrics, tracing, logging or a per-job context. {@link #beforeJob} runs before the
 * payload is converted, {@link #afterJob} once the job is settled (acknowledged in
 * {@link AckMode#TRANSACTIONAL}, retried, dead-lettered, moved), always paired with the
 * {@code beforeJob} of the same {@link JobContext}, even when the handler failed.
 *
 * <p>
 * Every bean of this type is used, in {@code @Order}; {@code afterJob} calls run in
 * reverse order. An exception thrown by an interceptor is logged and does not change the
 * job's outcome.
 */
public interface JobInterceptor {

	/**
	 * Called before the payload is converted and the handler runs.
	 * @param context the attempt; keep per-job state in its attributes
	 */
	default void beforeJob(JobContext context) {
	}

	/**
	 * Called after the attempt ended and the job was settled.
	 * @param context the attempt, with its {@link JobContext#outcome() outcome} and
	 * {@link JobContext#failure() failure}
	 */
	default void afterJob(JobContext context) {
	}

}
