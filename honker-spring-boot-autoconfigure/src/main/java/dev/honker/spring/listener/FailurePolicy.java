package dev.honker.spring.listener;

import java.time.Duration;
import java.util.List;

import org.springframework.core.retry.RetryPolicy;
import org.springframework.util.backoff.BackOffExecution;

/**
 * Decides what a handler's exception does to its job, with Spring's {@link RetryPolicy}:
 * a non-retryable type (or an exception caused by one) sends the job to the dead table;
 * anything else is retried after the backoff delay of the attempt that failed. The
 * attempt count lives in the database, so the delay of attempt {@code n} is the
 * {@code n}-th delay of a fresh backoff.
 */
final class FailurePolicy {

	/**
	 * After this many steps the delay has long reached its maximum, whatever the
	 * multiplier.
	 */
	private static final int MAX_STEPS = 64;

	private final RetryPolicy policy;

	FailurePolicy(RetryBackoff backoff, List<Class<? extends Throwable>> nonRetryable) {
		long initialMillis = backoff.initialInterval().toMillis();
		this.policy = RetryPolicy.builder()
			.maxRetries(Long.MAX_VALUE)
			.delay(backoff.initialInterval())
			.multiplier(backoff.multiplier())
			.maxDelay(backoff.maxInterval())
			.jitter(Duration.ofMillis(Math.round(initialMillis * backoff.jitter())))
			.excludes(nonRetryable)
			.build();
	}

	boolean isRetryable(Throwable failure) {
		return this.policy.shouldRetry(failure);
	}

	/**
	 * The delay before the next attempt after attempt {@code attempts} failed, in whole
	 * seconds.
	 */
	long retryDelaySeconds(long attempts) {
		BackOffExecution execution = this.policy.getBackOff().start();
		long millis = 0;
		for (long step = 0; step < Math.min(Math.max(attempts, 1), MAX_STEPS); step++) {
			long next = execution.nextBackOff();
			if (next == BackOffExecution.STOP) {
				break;
			}
			millis = next;
		}
		return Math.round(millis / 1000.0);
	}

}
