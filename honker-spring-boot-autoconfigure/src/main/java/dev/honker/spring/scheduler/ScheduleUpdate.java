package dev.honker.spring.scheduler;

import java.time.Duration;

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

	private final String expression;

	private final boolean payloadChanged;

	private final Object payload;

	private final Integer priority;

	private final boolean expiresChanged;

	private final Duration expires;

	private final Integer maxAttempts;

	private ScheduleUpdate(String expression, boolean payloadChanged, Object payload, Integer priority,
			boolean expiresChanged, Duration expires, Integer maxAttempts) {
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
	public ScheduleUpdate withPayload(Object payload) {
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
	public ScheduleUpdate withExpires(Duration expires) {
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

	String expression() {
		return this.expression;
	}

	boolean payloadChanged() {
		return this.payloadChanged;
	}

	Object payload() {
		return this.payload;
	}

	Integer priority() {
		return this.priority;
	}

	boolean expiresChanged() {
		return this.expiresChanged;
	}

	Duration expires() {
		return this.expires;
	}

	Integer maxAttempts() {
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
