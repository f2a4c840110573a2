package dev.honker.spring.scheduler;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.honker.sqlite.ScheduleExpressions;

/**
 * What to register with {@link HonkerSchedules#register}: a name, the queue each firing
 * enqueues a job on, a schedule expression, and the fired jobs' payload and options.
 * Immutable; each {@code with...} method returns a copy.
 *
 * <pre>{@code
 * schedules.register(ScheduleDefinition.of("nightly-report", "reports", "0 3 * * *")
 * 	.withPayload(Map.of("kind", "daily"))
 * 	.withMaxAttempts(5));
 * }</pre>
 *
 * <p>
 * The expression is a 5-field cron ({@code minute hour day-of-month month day-of-week}),
 * a 6-field cron with seconds first, or {@code @every <n><unit>} with unit {@code s},
 * {@code m}, {@code h} or {@code d}. Cron boundaries are in the local time zone of the
 * process that computes them, as in Honker 0.4.
 *
 * @param name the schedule's unique name
 * @param queue the queue of the fired jobs
 * @param expression the schedule expression
 * @param payload the fired jobs' payload, written as JSON ({@code null} becomes JSON
 * {@code null})
 * @param priority the fired jobs' priority
 * @param expires how long each fired job stays claimable (whole seconds), or {@code null}
 * for ever
 * @param maxAttempts the fired jobs' attempts, at least 1
 */
public record ScheduleDefinition(String name, String queue, String expression, @Nullable Object payload, int priority,
		@Nullable Duration expires, int maxAttempts) {

	/**
	 * Checks every argument.
	 * @throws IllegalArgumentException naming the argument and its value
	 */
	public ScheduleDefinition {
		Arguments.requireName("name", name);
		Arguments.requireName("queue", queue);
		ScheduleExpressions.requireValid(expression);
		Arguments.requireExpires(expires);
		Arguments.requireMaxAttempts(maxAttempts);
	}

	/**
	 * A schedule with a {@code null} payload, priority 0, no expiry and three attempts.
	 * @param name the schedule's unique name
	 * @param queue the queue of the fired jobs
	 * @param expression the schedule expression
	 * @return the definition
	 * @throws IllegalArgumentException if an argument is empty or the expression invalid
	 */
	public static ScheduleDefinition of(String name, String queue, String expression) {
		return new ScheduleDefinition(name, queue, expression, null, 0, null, 3);
	}

	/**
	 * A copy with another payload.
	 * @param payload any value Jackson can write
	 * @return the copy
	 */
	public ScheduleDefinition withPayload(@Nullable Object payload) {
		return new ScheduleDefinition(this.name, this.queue, this.expression, payload, this.priority, this.expires,
				this.maxAttempts);
	}

	/**
	 * A copy with another priority.
	 * @param priority higher is claimed first
	 * @return the copy
	 */
	public ScheduleDefinition withPriority(int priority) {
		return new ScheduleDefinition(this.name, this.queue, this.expression, this.payload, priority, this.expires,
				this.maxAttempts);
	}

	/**
	 * A copy whose fired jobs expire.
	 * @param expires one or more whole seconds, or {@code null} for never
	 * @return the copy
	 */
	public ScheduleDefinition withExpires(@Nullable Duration expires) {
		return new ScheduleDefinition(this.name, this.queue, this.expression, this.payload, this.priority, expires,
				this.maxAttempts);
	}

	/**
	 * A copy with another attempt limit.
	 * @param maxAttempts one or more
	 * @return the copy
	 */
	public ScheduleDefinition withMaxAttempts(int maxAttempts) {
		return new ScheduleDefinition(this.name, this.queue, this.expression, this.payload, this.priority, this.expires,
				maxAttempts);
	}

}
