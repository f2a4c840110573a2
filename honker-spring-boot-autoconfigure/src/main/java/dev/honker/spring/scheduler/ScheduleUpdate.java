package dev.honker.spring.scheduler;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.honker.sqlite.ScheduleExpressions;

/**
 * The fields {@link HonkerSchedules#update} changes; every other field stays as it is.
 * Immutable; each {@code with...} method returns a copy.
 *
 * <pre>{@code
 * schedules.update("nightly-report", ScheduleUpdate.change().withExpression("0 4 * * *").withPayload(newPayload));
 * }</pre>
 *
 * <p>
 * A new expression also moves the schedule's next boundary to the first one after now; a
 * change of payload, priority, expiry or attempts applies from the next firing on.
 */
public final class ScheduleUpdate {

	private static final ScheduleUpdate NOTHING = new ScheduleUpdate(null, false, null, null, false, null, null);

	private final @Nullable String expression;

	private final boolean payloadChanged;

	private final @Nullable Object payload;

	private final @Nullable Integer priority;

	private final boolean expiresChanged;

	private final @Nullable Duration expires;

	private final @Nullable Integer maxAttempts;

	private ScheduleUpdate(@Nullable String expression, boolean payloadChanged, @Nullable Object payload,
			@Nullable Integer priority, boolean expiresChanged, @Nullable Duration expires,
			@Nullable Integer maxAttempts) {
		this.expression = expression;
		this.payloadChanged = payloadChanged;
		this.payload = payload;
		this.priority = priority;
		this.expiresChanged = expiresChanged;
		this.expires = expires;
		this.maxAttempts = maxAttempts;
	}

	/**
	 * An update that changes nothing yet.
	 * @return the empty update
	 */
	public static ScheduleUpdate change() {
		return NOTHING;
	}

	/**
	 * Changes the expression.
	 * @param expression a 5- or 6-field cron, or {@code @every <n><unit>}
	 * @return a copy with the change
	 * @throws IllegalArgumentException naming the expression, with the parser's message,
	 * if it is invalid
	 */
	public ScheduleUpdate withExpression(String expression) {
		ScheduleExpressions.requireValid(expression);
		return new ScheduleUpdate(expression, this.payloadChanged, this.payload, this.priority, this.expiresChanged,
				this.expires, this.maxAttempts);
	}

	/**
	 * Changes the payload of the jobs fired from now on.
	 * @param payload any value Jackson can write; {@code null} is JSON {@code null}
	 * @return a copy with the change
	 */
	public ScheduleUpdate withPayload(@Nullable Object payload) {
		return new ScheduleUpdate(this.expression, true, payload, this.priority, this.expiresChanged, this.expires,
				this.maxAttempts);
	}

	/**
	 * Changes the priority of the jobs fired from now on.
	 * @param priority higher is claimed first
	 * @return a copy with the change
	 */
	public ScheduleUpdate withPriority(int priority) {
		return new ScheduleUpdate(this.expression, this.payloadChanged, this.payload, priority, this.expiresChanged,
				this.expires, this.maxAttempts);
	}

	/**
	 * Changes the expiry of the jobs fired from now on.
	 * @param expires one or more whole seconds, or {@code null} for never
	 * @return a copy with the change
	 */
	public ScheduleUpdate withExpires(@Nullable Duration expires) {
		Arguments.requireExpires(expires);
		return new ScheduleUpdate(this.expression, this.payloadChanged, this.payload, this.priority, true, expires,
				this.maxAttempts);
	}

	/**
	 * Changes the attempts of the jobs fired from now on.
	 * @param maxAttempts one or more
	 * @return a copy with the change
	 */
	public ScheduleUpdate withMaxAttempts(int maxAttempts) {
		Arguments.requireMaxAttempts(maxAttempts);
		return new ScheduleUpdate(this.expression, this.payloadChanged, this.payload, this.priority,
				this.expiresChanged, this.expires, maxAttempts);
	}

	@Nullable String expression() {
		return this.expression;
	}

	boolean payloadChanged() {
		return this.payloadChanged;
	}

	@Nullable Object payload() {
		return this.payload;
	}

	@Nullable Integer priority() {
		return this.priority;
	}

	boolean expiresChanged() {
		return this.expiresChanged;
	}

	@Nullable Duration expires() {
		return this.expires;
	}

	@Nullable Integer maxAttempts() {
		return this.maxAttempts;
	}

	/** Whether the update changes anything. */
	boolean isEmpty() {
		return this.expression == null && !this.payloadChanged && this.priority == null && !this.expiresChanged
				&& this.maxAttempts == null;
	}

	@Override
	public String toString() {
		return "ScheduleUpdate[expression=" + this.expression + ", payload="
				+ (this.payloadChanged ? this.payload : "(unchanged)") + ", priority=" + this.priority + ", expires="
				+ (this.expiresChanged ? this.expires : "(unchanged)") + ", maxAttempts=" + this.maxAttempts + "]";
	}

}
