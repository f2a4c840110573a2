package dev.honker.spring.listener;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings every job listener starts from; an annotation attribute or a
 * {@link JobListenerEndpoint} setting overrides its counterpart. The auto-configuration
 * binds them from the application's listener properties.
 *
 * @param concurrency handler threads per listener; at least 1
 * @param autoStartup whether containers start with the application context
 * @param visibilityTimeout how long a claim hides a job from other workers; whole
 * seconds, at least 1 s
 * @param idlePollInterval the longest wait between two claim attempts when nothing wakes
 * the listener
 * @param shutdownTimeout how long stopping waits for running handlers
 * @param ackMode when jobs are acknowledged
 * @param backoff delays between attempts of a failed job
 * @param nonRetryableExceptions exception types (and their subclasses) that send a job to
 * the dead table at once
 */
public record ListenerDefaults(int concurrency, boolean autoStartup, Duration visibilityTimeout,
		Duration idlePollInterval, Duration shutdownTimeout, AckMode ackMode, RetryBackoff backoff,
		List<Class<? extends Throwable>> nonRetryableExceptions) {

	/**
	 * Validates the settings.
	 * @throws IllegalArgumentException naming the setting in kebab case (for example
	 * {@code idle-poll-interval}) and its value
	 */
	public ListenerDefaults {
		if (concurrency < 1) {
			throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
		}
		ListenerSettings.requireVisibilityTimeout("visibility-timeout", visibilityTimeout);
		Objects.requireNonNull(idlePollInterval, "idle-poll-interval must not be null");
		if (idlePollInterval.isZero() || idlePollInterval.isNegative()) {
			throw new IllegalArgumentException("idle-poll-interval must be positive, got " + idlePollInterval);
		}
		Objects.requireNonNull(shutdownTimeout, "shutdown-timeout must not be null");
		if (shutdownTimeout.isNegative()) {
			throw new IllegalArgumentException("shutdown-timeout must not be negative, got " + shutdownTimeout);
		}
		Objects.requireNonNull(ackMode, "ack-mode must not be null");
		Objects.requireNonNull(backoff, "backoff must not be null");
		nonRetryableExceptions = List.copyOf(nonRetryableExceptions);
	}
}
