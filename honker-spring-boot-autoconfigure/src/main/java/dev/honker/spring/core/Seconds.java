package dev.honker.spring.core;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Checks the durations Honker stores as whole seconds, naming the option and value when
 * one is wrong.
 */
final class Seconds {

	private Seconds() {
	}

	/** A duration of zero or more whole seconds. */
	static long notNegative(String option, @Nullable Duration value) {
		long seconds = whole(option, value);
		if (value.isNegative()) {
			throw new IllegalArgumentException(option + " must not be negative, got " + value);
		}
		return seconds;
	}

	/** A duration of one or more whole seconds. */
	static long positive(String option, Duration value) {
		long seconds = whole(option, value);
		if (seconds < 1) {
			throw new IllegalArgumentException(option + " must be at least one second, got " + value);
		}
		return seconds;
	}

	private static long whole(String option, Duration value) {
		if (value == null) {
			throw new IllegalArgumentException(option + " must not be null");
		}
		if (value.getNano() != 0) {
			throw new IllegalArgumentException(
					option + " must be a whole number of seconds (Honker stores seconds), got " + value);
		}
		return value.getSeconds();
	}

}
