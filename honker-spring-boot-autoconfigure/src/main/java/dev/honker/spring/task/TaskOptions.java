package dev.honker.spring.task;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.convert.DurationStyle;

/**
 * The attributes of one {@link HonkerTask}, placeholders resolved and checked.
 *
 * @param name the task name
 * @param queue the queue
 * @param retries the attempts of each call
 * @param retryDelay the delay before another attempt
 * @param priority the calls' priority
 * @param expires the calls' expiry, or {@code null}
 * @param storeResult whether the worker stores results
 * @param resultTtl how long results stay readable, zero for ever
 */
record TaskOptions(String name, String queue, int retries, Duration retryDelay, int priority,
		@Nullable Duration expires, boolean storeResult, Duration resultTtl) {

	/**
	 * Resolves an annotation.
	 * @param where the annotated method, for messages
	 * @throws TaskConfigurationException naming the method, the attribute and the value
	 */
	static TaskOptions resolve(HonkerTask task, UnaryOperator<String> resolver, @Nullable String defaultName,
			String where) {
		String name = resolver.apply(task.name()).trim();
		if (name.isEmpty()) {
			if (defaultName == null) {
				throw error(where, "name", task.name(), "a task client method must name its task");
			}
			name = defaultName;
		}
		String queue = resolver.apply(task.queue()).trim();
		if (queue.isEmpty()) {
			throw error(where, "queue", task.queue(), "must not be empty");
		}
		if (task.retries() < 1) {
			throw error(where, "retries", Integer.toString(task.retries()), "must be at least 1");
		}
		Duration retryDelay = seconds(where, "retryDelay", resolver.apply(task.retryDelay()), false);
		Duration expires = seconds(where, "expires", resolver.apply(task.expires()), true);
		if (expires != null && expires.isZero()) {
			throw error(where, "expires", task.expires(), "must be at least 1s, or empty for never");
		}
		Duration resultTtl = seconds(where, "resultTtl", resolver.apply(task.resultTtl()), false);
		return new TaskOptions(name, queue, task.retries(), retryDelay, task.priority(), expires, task.storeResult(),
				resultTtl);
	}

	private static @Nullable Duration seconds(String where, String attribute, String value, boolean optional) {
		String text = value.trim();
		if (text.isEmpty() && optional) {
			return null;
		}
		Duration duration;
		try {
			duration = DurationStyle.detectAndParse(text, ChronoUnit.SECONDS);
		}
		catch (IllegalArgumentException ex) {
			throw error(where, attribute, value, "not a duration, for example 60s");
		}
		if (duration.isNegative() || duration.getNano() != 0) {
			throw error(where, attribute, value, "must be zero or more whole seconds (Honker stores seconds)");
		}
		return duration;
	}

	private static TaskConfigurationException error(String where, String attribute, String value, String reason) {
		return new TaskConfigurationException(
				"@HonkerTask on " + where + ": " + attribute + " = '" + value + "' is invalid: " + reason, null);
	}

}
