package dev.honker.spring.listener;

import java.time.Duration;
import java.util.List;

import org.springframework.core.retry.RetryPolicy;
import org.springframework.util.backoff.BackOffExecution;

/**
 * The failure handling of a listener unless a {@link JobErrorHandler} bean replaces it: a
 * payload that cannot be converted, or a failure of a non-retryable type (or caused by
 * one), goes to the dead table at once; anything else is retried after the backoff delay
 * of the attempt that failed, until the job's attempts are used up. {@code last_error} is
 * the exception's class and message.
 *
 * <p>
 * The attempt count lives in the database, so the delay after attempt {@code n} is the
 * {@code n}-th delay of a fresh backoff, computed with Spring's {@link RetryPolicy}.
 */
public class DefaultJobErrorHandler implements JobErrorHandler {

	/**
	 * After this many steps the delay has long reached its maximum, whatever the
	 * multiplier.
	 */
	private static final int MAX_STEPS = 64;

	private final RetryPolicy policy;

	/**
	 * Creates the handler.
	 * @param backoff delays between attempts
	 * @param nonRetryable exception types that dead-letter a job at once
	 */
	public DefaultJobErrorHandler(RetryBackoff backoff, List<Class<? extends Throwable>> nonRetryable) {
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

	@Override
	public FailureAction handle(FailedJob failed) {
		Throwable failure = failed.failure();
		if (failure instanceof PayloadConversionException || !this.policy.shouldRetry(failure)) {
			return FailureAction.deadLetter(describe(failure));
		}
		return FailureAction.retry(retryDelay(failed.job().attempts()), describe(failure));
	}

	/** The delay before the next attempt after attempt {@code attempts} failed. */
	Duration retryDelay(long attempts) {
		BackOffExecution execution = this.policy.getBackOff().start();
		long millis = 0;
		for (long step = 0; step < Math.min(Math.max(attempts, 1), MAX_STEPS); step++) {
			long next = execution.nextBackOff();
			if (next == BackOffExecution.STOP) {
				break;
			}
			millis = next;
		}
		return Duration.ofMillis(millis);
	}

	/**
	 * The {@code last_error} of a failure: its class name and message.
	 * @param failure the failure
	 * @return the text
	 */
	public static String describe(Throwable failure) {
		String message = failure.getMessage();
		return message == null ? failure.getClass().getName() : failure.getClass().getName() + ": " + message;
	}

}
