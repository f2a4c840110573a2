package dev.honker.spring.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a job is enqueued: when it may first run, its priority, how many attempts it gets
 * and when it expires. Immutable; each {@code with...} method returns a copy.
 *
 * <pre>{@code
 * JobOptions options = JobOptions.defaults().withDelay(Duration.ofMinutes(5)).withMaxAttempts(5);
 * }</pre>
 *
 * <p>
 * Honker stores times as whole Unix seconds, so durations must be whole seconds; anything
 * else is rejected with an {@link IllegalArgumentException} naming the option and the
 * value.
 */
public final class JobOptions {

	private static final JobOptions DEFAULTS = new JobOptions(null, null, 0, 3, null);

	private final @Nullable Duration delay;

	private final @Nullable Instant runAt;

	private final int priority;

	private final int maxAttempts;

	private final @Nullable Duration expires;

	private JobOptions(Duration delay, Instant runAt, int priority, int maxAttempts, Duration expires) {
		this.delay = delay;
		this.runAt = runAt;
		this.priority = priority;
		this.maxAttempts = maxAttempts;
		this.expires = expires;
	}

	/**
	 * Runs as soon as a worker is free, priority 0, three attempts, never expires.
	 * @return the default options
	 */
	public static JobOptions defaults() {
		return DEFAULTS;
	}

	/**
	 * Runs no earlier than this long after the enqueue commits (measured by the database
	 * clock). Replaces any {@link #withRunAt(Instant) runAt}.
	 * @param delay zero or more whole seconds
	 * @return a copy with the delay
	 * @throws IllegalArgumentException if the delay is null, negative or not whole
	 * seconds
	 */
	public JobOptions withDelay(Duration delay) {
		Seconds.notNegative("delay", delay);
		return new JobOptions(delay, null, this.priority, this.maxAttempts, this.expires);
	}

	/**
	 * Runs no earlier than this instant. A fraction of a second is rounded up to the next
	 * whole second. Replaces any {@link #withDelay(Duration) delay}.
	 * @param runAt the earliest start
	 * @return a copy with the start time
	 * @throws IllegalArgumentException if runAt is null
	 */
	public JobOptions withRunAt(Instant runAt) {
		if (runAt == null) {
			throw new IllegalArgumentException("runAt must not be null");
		}
		return new JobOptions(null, runAt, this.priority, this.maxAttempts, this.expires);
	}

	/**
	 * Jobs with a higher priority are claimed first; the default is 0.
	 * @param priority any value, negative ones included
	 * @return a copy with the priority
	 */
	public JobOptions withPriority(int priority) {
		return new JobOptions(this.delay, this.runAt, priority, this.maxAttempts, this.expires);
	}

	/**
	 * How many times the job may be claimed before it goes to the dead table; the default
	 * is 3.
	 * @param maxAttempts one or more
	 * @return a copy with the attempt limit
	 * @throws IllegalArgumentException if maxAttempts is less than 1
	 */
	public JobOptions withMaxAttempts(int maxAttempts) {
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
		}
		return new JobOptions(this.delay, this.runAt, this.priority, maxAttempts, this.expires);
	}

	/**
	 * Stops the job from being claimed once this long has passed since the enqueue;
	 * unclaimed expired jobs are moved to the dead table by a sweep.
	 * @param expires one or more whole seconds
	 * @return a copy with the expiry
	 * @throws IllegalArgumentException if expires is null, not positive or not whole
	 * seconds
	 */
	public JobOptions withExpires(Duration expires) {
		Seconds.positive("expires", expires);
		return new JobOptions(this.delay, this.runAt, this.priority, this.maxAttempts, expires);
	}

	/**
	 * The delay before the first run.
	 * @return the delay, or {@code null} when none was set
	 */
	public @Nullable Duration getDelay() {
		return this.delay;
	}

	/**
	 * The earliest start.
	 * @return the instant, or {@code null} when none was set
	 */
	public @Nullable Instant getRunAt() {
		return this.runAt;
	}

	/**
	 * The claim priority.
	 * @return the priority; higher is claimed first
	 */
	public int getPriority() {
		return this.priority;
	}

	/**
	 * The attempt limit.
	 * @return one or more
	 */
	public int getMaxAttempts() {
		return this.maxAttempts;
	}

	/**
	 * The expiry after the enqueue.
	 * @return the expiry, or {@code null} when the job never expires
	 */
	public @Nullable Duration getExpires() {
		return this.expires;
	}

	/** The run_at argument of honker_enqueue: Unix seconds, rounded up, or null. */
	@Nullable Long runAtSeconds() {
		if (this.runAt == null) {
			return null;
		}
		return this.runAt.getEpochSecond() + (this.runAt.getNano() > 0 ? 1 : 0);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof JobOptions that && this.priority == that.priority
				&& this.maxAttempts == that.maxAttempts && Objects.equals(this.delay, that.delay)
				&& Objects.equals(this.runAt, that.runAt) && Objects.equals(this.expires, that.expires);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.delay, this.runAt, this.priority, this.maxAttempts, this.expires);
	}

	@Override
	public String toString() {
		return "JobOptions[delay=" + this.delay + ", runAt=" + this.runAt + ", priority=" + this.priority
				+ ", maxAttempts=" + this.maxAttempts + ", expires=" + this.expires + "]";
	}

}
