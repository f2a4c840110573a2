package dev.honker.spring.listener;

import java.time.Duration;
import java.util.Objects;

/**
 * Exponential backoff between attempts of a failed job: the first retry waits
 * {@code initialInterval}, each further one {@code multiplier} times longer, never more
 * than {@code maxInterval}, each delay moved up or down by a random share of up to
 * {@code jitter}. Honker schedules retries in whole seconds, so each delay is rounded to
 * the nearest second.
 *
 * @param initialInterval delay before the second attempt; zero or more
 * @param multiplier growth factor per failed attempt; at least 1
 * @param maxInterval longest delay; at least {@code initialInterval}
 * @param jitter random share of each delay, between 0 and 1
 */
public record RetryBackoff(Duration initialInterval, double multiplier, Duration maxInterval, double jitter) {

	/**
	 * Validates the settings.
	 * @throws IllegalArgumentException naming the setting and its value when one is out
	 * of range
	 */
	public RetryBackoff {
		Objects.requireNonNull(initialInterval, "initial-interval must not be null");
		Objects.requireNonNull(maxInterval, "max-interval must not be null");
		if (initialInterval.isNegative()) {
			throw new IllegalArgumentException("initial-interval must not be negative, got " + initialInterval);
		}
		if (!(multiplier >= 1.0)) {
			throw new IllegalArgumentException("multiplier must be at least 1, got " + multiplier);
		}
		if (maxInterval.compareTo(initialInterval) < 0) {
			throw new IllegalArgumentException("max-interval must not be shorter than initial-interval "
					+ initialInterval + ", got " + maxInterval);
		}
		if (!(jitter >= 0.0 && jitter <= 1.0)) {
			throw new IllegalArgumentException("jitter must be between 0 and 1, got " + jitter);
		}
	}
}
