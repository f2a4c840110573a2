package dev.honker.spring.stream;

import java.time.Duration;
import java.util.Objects;

import dev.honker.spring.listener.RetryBackoff;

/**
 * The settings of one stream consumer.
 *
 * @param id the listener id, unique in the application context
 * @param topic the topic; must not be empty
 * @param consumer the consumer name, under which the offset is saved; must not be empty
 * @param start where to start when the consumer has saved no offset yet
 * @param offsetMode when the offset is saved
 * @param batchSize the most events read (and, in {@link StreamOffsetMode#AFTER_BATCH},
 * handled before the offset is saved) at once; at least 1
 * @param maxAttempts attempts per event before the failure action; at least 1
 * @param backoff the delays between attempts
 * @param failureAction what happens to an event whose attempts are used up
 * @param lockTtl how long the consumer's lock lasts without renewal; a process that dies
 * is taken over after about this long; whole seconds, at least one
 * @param fallbackPoll the longest wait between reads without a wake
 * @param autoStartup whether the consumer starts with the application context
 */
public record StreamConsumerSettings(String id, String topic, String consumer, StreamStartPosition start,
		StreamOffsetMode offsetMode, int batchSize, int maxAttempts, RetryBackoff backoff,
		StreamFailureAction failureAction, Duration lockTtl, Duration fallbackPoll, boolean autoStartup) {

	/**
	 * Validates the settings.
	 * @throws IllegalArgumentException naming the setting, the value and the listener
	 */
	public StreamConsumerSettings {
		Objects.requireNonNull(id, "id must not be null");
		requireText("topic", topic, id);
		requireText("consumer", consumer, id);
		Objects.requireNonNull(start, "start must not be null");
		Objects.requireNonNull(offsetMode, "offsetMode must not be null");
		Objects.requireNonNull(backoff, "backoff must not be null");
		Objects.requireNonNull(failureAction, "failureAction must not be null");
		if (batchSize < 1) {
			throw new IllegalArgumentException("batch-size must be at least 1, got " + batchSize + " for " + id);
		}
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("max-attempts must be at least 1, got " + maxAttempts + " for " + id);
		}
		if (lockTtl == null || lockTtl.getSeconds() < 1 || lockTtl.getNano() != 0) {
			throw new IllegalArgumentException(
					"lock-ttl must be whole seconds, at least one, got " + lockTtl + " for " + id);
		}
		if (fallbackPoll == null || fallbackPoll.isZero() || fallbackPoll.isNegative()) {
			throw new IllegalArgumentException("fallback poll must be positive, got " + fallbackPoll + " for " + id);
		}
	}

	private static void requireText(String name, String value, String id) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException(
					name + " must not be empty, got " + (value == null ? "null" : "'" + value + "'") + " for " + id);
		}
	}

	/** The name of the Honker lock that lets one process at a time run this consumer. */
	String lockName() {
		return "honker-stream-consumer:" + this.consumer + ":" + this.topic;
	}

}
