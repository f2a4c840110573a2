package dev.honker.spring.watch;

import java.time.Duration;
import java.util.Objects;

/**
 * How a commit watcher polls its database file.
 *
 * @param pollInterval how often {@code PRAGMA data_version} is read; positive
 * @param identityCheckInterval how often the watcher checks that the file has not been
 * replaced; positive
 */
public record WatcherOptions(Duration pollInterval, Duration identityCheckInterval) {

	/**
	 * The defaults: poll every millisecond, check the file's identity every 100
	 * milliseconds.
	 */
	public static final WatcherOptions DEFAULTS = new WatcherOptions(Duration.ofMillis(1), Duration.ofMillis(100));

	/**
	 * Validates both intervals.
	 * @throws IllegalArgumentException naming the interval ({@code poll-interval} or
	 * {@code identity-check-interval}) if it is missing, zero or negative
	 */
	public WatcherOptions {
		requirePositive("poll-interval", pollInterval);
		requirePositive("identity-check-interval", identityCheckInterval);
	}

	private static void requirePositive(String name, Duration value) {
		Objects.requireNonNull(value, name + " must not be null");
		if (value.isZero() || value.isNegative()) {
			throw new IllegalArgumentException(name + " must be positive, got " + value);
		}
	}
}
