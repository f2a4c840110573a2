package dev.honker.spring.listener;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;

/**
 * The consecutive failures of one recurring operation, such as a listener's claim: how
 * long to wait before the next try (exponential backoff from {@code initial}, doubling,
 * capped at {@code max}), and what to log. The first failure, and any failure that
 * differs from the one before, is logged as a WARN with its stack trace; identical
 * repeats only at DEBUG, with a WARN summary at most every {@code summaryInterval}; the
 * first success after failures logs an INFO line.
 */
final class RepeatedFailures {

	private final Log log;

	private final Supplier<String> operation;

	private final Duration initial;

	private final Duration max;

	private final Duration summaryInterval;

	private int consecutive;

	private @Nullable String lastFailure;

	private int unreportedRepeats;

	private long lastReportNanos;

	/**
	 * @param operation what failed, for example "Honker listener 'orders': claiming from
	 * queue 'orders'"
	 */
	RepeatedFailures(Log log, Supplier<String> operation, Duration initial, Duration max, Duration summaryInterval) {
		this.log = log;
		this.operation = operation;
		this.initial = initial;
		this.max = max;
		this.summaryInterval = summaryInterval;
	}

	/**
	 * Records a failure and logs it as described above.
	 * @return how long to wait before the next try
	 */
	Duration failed(Throwable failure) {
		this.consecutive++;
		Duration delay = delay();
		String description = failure.getClass().getName() + ": " + failure.getMessage();
		long now = System.nanoTime();
		if (!Objects.equals(description, this.lastFailure)) {
			this.lastFailure = description;
			this.unreportedRepeats = 0;
			this.lastReportNanos = now;
			this.log.warn(this.operation.get() + " failed; trying again in " + describe(delay)
					+ " (identical failures are summarized)", failure);
		}
		else {
			this.unreportedRepeats++;
			if (this.log.isDebugEnabled()) {
				this.log.debug(this.operation.get() + " failed again; trying again in " + describe(delay), failure);
			}
			if (now - this.lastReportNanos >= this.summaryInterval.toNanos()) {
				this.log.warn(this.operation.get() + " failed " + this.unreportedRepeats + " more times in the last "
						+ describe(Duration.ofNanos(now - this.lastReportNanos)) + " with the same error ("
						+ description + "); " + this.consecutive + " failures in a row, trying again every "
						+ describe(delay));
				this.unreportedRepeats = 0;
				this.lastReportNanos = now;
			}
		}
		return delay;
	}

	/** Records a success, logging the recovery after failures. */
	void succeeded() {
		if (this.consecutive > 0) {
			this.log.info(this.operation.get() + " works again after " + this.consecutive + " failures in a row");
			this.consecutive = 0;
			this.lastFailure = null;
			this.unreportedRepeats = 0;
		}
	}

	private Duration delay() {
		int doublings = Math.min(this.consecutive - 1, 30);
		Duration delay = this.initial.multipliedBy(1L << doublings);
		return delay.compareTo(this.max) > 0 ? this.max : delay;
	}

	private static String describe(Duration duration) {
		long millis = duration.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
	}

}
