package dev.honker.spring.watch;

import java.time.Duration;
import java.util.Objects;

/**
 * How a commit watcher notices commits to its database file. The names in error messages
 * are those of the settings ({@code poll-interval}, ...), so that a configuration layer
 * can prefix them with its own namespace.
 *
 * @param mode what wakes the watcher between reads of {@code data_version}
 * @param pollInterval how often {@code PRAGMA data_version} is read in
 * {@link WatcherMode#POLL} mode, and for a short while after each file event in
 * {@link WatcherMode#EVENTS} mode; positive
 * @param safetyPollInterval how often it is read in {@link WatcherMode#EVENTS} mode when
 * no event arrives: the longest a missed file event can delay a wake; positive
 * @param identityCheckInterval how often the watcher checks that the file has not been
 * replaced; positive
 * @param checkpoints whether the watcher's JVM checkpoints the WAL in the background
 * (SQLite only)
 */
public record WatcherOptions(WatcherMode mode, Duration pollInterval, Duration safetyPollInterval,
		Duration identityCheckInterval, WalCheckpointOptions checkpoints) {

	/**
	 * The defaults: file events where available, otherwise a poll every millisecond; a
	 * 100 millisecond safety poll; the file's identity checked every 100 milliseconds
	 * (both on the same wake in events mode); no background WAL checkpoint.
	 */
	public static final WatcherOptions DEFAULTS = new WatcherOptions(WatcherMode.AUTO, Duration.ofMillis(1),
			Duration.ofMillis(100), Duration.ofMillis(100), WalCheckpointOptions.DEFAULTS);

	/**
	 * Validates the settings.
	 * @throws NullPointerException if a setting is missing
	 * @throws IllegalArgumentException if an interval is zero or negative
	 */
	public WatcherOptions {
		Objects.requireNonNull(mode, "mode must not be null");
		requirePositive("poll-interval", pollInterval);
		requirePositive("safety-poll-interval", safetyPollInterval);
		requirePositive("identity-check-interval", identityCheckInterval);
		Objects.requireNonNull(checkpoints, "checkpoints must not be null");
	}

	/**
	 * These options with another mode.
	 * @param mode the mode
	 * @return a copy with {@code mode}
	 */
	public WatcherOptions withMode(WatcherMode mode) {
		return new WatcherOptions(mode, this.pollInterval, this.safetyPollInterval, this.identityCheckInterval,
				this.checkpoints);
	}

	/**
	 * These options with other background checkpoint settings.
	 * @param checkpoints the background checkpoint settings
	 * @return a copy with {@code checkpoints}
	 */
	public WatcherOptions withCheckpoints(WalCheckpointOptions checkpoints) {
		return new WatcherOptions(this.mode, this.pollInterval, this.safetyPollInterval, this.identityCheckInterval,
				checkpoints);
	}

	/**
	 * A duration in milliseconds for log lines, such as {@code 1 ms} or {@code 0.5 ms}.
	 */
	static String describe(Duration duration) {
		return java.math.BigDecimal.valueOf(duration.toNanos(), 6).stripTrailingZeros().toPlainString() + " ms";
	}

	private static void requirePositive(String name, Duration value) {
		Objects.requireNonNull(value, name + " must not be null");
		if (value.isZero() || value.isNegative()) {
			throw new IllegalArgumentException(name + " must be positive, got " + value);
		}
	}

}
