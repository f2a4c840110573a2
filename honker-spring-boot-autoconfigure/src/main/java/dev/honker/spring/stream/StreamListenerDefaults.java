package dev.honker.spring.stream;

import java.time.Duration;
import java.util.Objects;

import dev.honker.spring.listener.RetryBackoff;

/**
 * The settings of stream consumers whose annotation leaves them empty, from the
 * {@code honker.stream.*} and {@code honker.listener.*} properties.
 *
 * @param start where a consumer without a saved offset starts
 * @param offsetMode when offsets are saved
 * @param batchSize most events read at once
 * @param maxAttempts attempts per event
 * @param failureAction what happens to an event whose attempts are used up
 * @param lockTtl how long a consumer's lock lasts without renewal
 * @param backoff the delays between attempts
 * @param fallbackPoll the longest wait between reads without a wake
 * @param autoStartup whether consumers start with the application context
 */
public record StreamListenerDefaults(StreamStartPosition start, StreamOffsetMode offsetMode, int batchSize,
		int maxAttempts, StreamFailureAction failureAction, Duration lockTtl, RetryBackoff backoff,
		Duration fallbackPoll, boolean autoStartup) {

	/** Checks that nothing is missing; values are checked per consumer. */
	public StreamListenerDefaults {
		Objects.requireNonNull(start, "start must not be null");
		Objects.requireNonNull(offsetMode, "offset-mode must not be null");
		Objects.requireNonNull(failureAction, "failure-action must not be null");
		Objects.requireNonNull(lockTtl, "lock-ttl must not be null");
		Objects.requireNonNull(backoff, "backoff must not be null");
		Objects.requireNonNull(fallbackPoll, "fallbackPoll must not be null");
	}

}
