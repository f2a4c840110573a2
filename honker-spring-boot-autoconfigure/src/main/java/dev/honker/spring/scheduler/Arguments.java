package dev.honker.spring.scheduler;

import org.jspecify.annotations.Nullable;

import java.time.Duration;

/** Argument checks of the scheduler API, naming the argument and its value. */
final class Arguments {

	private Arguments() {
	}

	static String requireName(String argument, @Nullable String value) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException(
					argument + " must not be empty, got " + (value == null ? "null" : "'" + value + "'"));
		}
		return value;
	}

	static void requireExpires(@Nullable Duration expires) {
		if (expires != null && (expires.getSeconds() < 1 || expires.getNano() != 0)) {
			throw new IllegalArgumentException(
					"expires must be a whole number of seconds, at least 1s (or null for never), got " + expires);
		}
	}

	static void requireMaxAttempts(int maxAttempts) {
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
		}
	}

}
