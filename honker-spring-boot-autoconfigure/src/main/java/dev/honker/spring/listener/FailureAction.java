package dev.honker.spring.listener;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What happens to a job whose handler failed, as a {@link JobErrorHandler} decides.
 */
public final class FailureAction {

	/** The kinds of action. */
	public enum Kind {

		/**
		 * Run the job again after a delay; on its last attempt it goes to the dead table
		 * instead.
		 */
		RETRY,

		/** Move the job to the dead table now, whatever attempts it has left. */
		DEAD_LETTER,

		/**
		 * Remove the job and enqueue its payload on another queue, in one transaction.
		 */
		MOVE,

		/** Remove the job as if it had succeeded, for a failure handled elsewhere. */
		ACKNOWLEDGE

	}

	private final Kind kind;

	private final Duration delay;

	private final String error;

	private final @Nullable String queue;

	private FailureAction(Kind kind, Duration delay, String error, @Nullable String queue) {
		this.kind = kind;
		this.delay = delay;
		this.error = error;
		this.queue = queue;
	}

	/**
	 * Runs the job again after {@code delay}, or dead-letters it if this was its last
	 * attempt.
	 * @param delay how long the job waits; rounded to whole seconds, not negative
	 * @param error the text stored as {@code last_error} if the job is dead-lettered
	 * @return the action
	 */
	public static FailureAction retry(Duration delay, String error) {
		Objects.requireNonNull(delay, "delay must not be null");
		if (delay.isNegative()) {
			throw new IllegalArgumentException("delay must not be negative, got " + delay);
		}
		return new FailureAction(Kind.RETRY, delay, Objects.requireNonNull(error, "error must not be null"), null);
	}

	/**
	 * Moves the job to the dead table now.
	 * @param error the text stored as {@code last_error}
	 * @return the action
	 */
	public static FailureAction deadLetter(String error) {
		return new FailureAction(Kind.DEAD_LETTER, Duration.ZERO,
				Objects.requireNonNull(error, "error must not be null"), null);
	}

	/**
	 * Removes the job and enqueues its payload as a new job on {@code queue} (priority 0,
	 * three attempts), in one transaction: either both happen or neither does.
	 * @param queue the queue that takes the payload; not empty
	 * @return the action
	 */
	public static FailureAction moveTo(String queue) {
		if (queue == null || queue.isBlank()) {
			throw new IllegalArgumentException(
					"queue must not be empty, got " + (queue == null ? "null" : "'" + queue + "'"));
		}
		return new FailureAction(Kind.MOVE, Duration.ZERO, "", queue);
	}

	/**
	 * Removes the job as if its handler had succeeded.
	 * @return the action
	 */
	public static FailureAction acknowledge() {
		return new FailureAction(Kind.ACKNOWLEDGE, Duration.ZERO, "", null);
	}

	/** The kind of action. */
	public Kind kind() {
		return this.kind;
	}

	/** The retry delay of {@link Kind#RETRY}, zero otherwise. */
	public Duration delay() {
		return this.delay;
	}

	/**
	 * The {@code last_error} of {@link Kind#RETRY} and {@link Kind#DEAD_LETTER}, empty
	 * otherwise.
	 */
	public String error() {
		return this.error;
	}

	/** The target queue of {@link Kind#MOVE}, {@code null} otherwise. */
	public @Nullable String queue() {
		return this.queue;
	}

	@Override
	public String toString() {
		return switch (this.kind) {
			case RETRY -> "retry in " + this.delay.toSeconds() + "s";
			case DEAD_LETTER -> "dead-letter";
			case MOVE -> "move to queue '" + this.queue + "'";
			case ACKNOWLEDGE -> "acknowledge";
		};
	}

}
