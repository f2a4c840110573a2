package dev.honker.spring.stream;

/**
 * What a stream consumer does with an event whose handler still fails after its last
 * attempt (or whose payload cannot be converted).
 */
public enum StreamFailureAction {

	/**
	 * Stop the consumer, logging the failure and keeping it for
	 * {@link StreamListenerContainer#getFailure()}. The offset stays before the event, so
	 * the consumer retries it when it is started again, and no later event is handled out
	 * of order. The default.
	 */
	STOP,

	/**
	 * Record the event and the error in the table {@code honker_stream_skipped} (created
	 * when needed) and go on with the next event.
	 */
	SKIP

}
