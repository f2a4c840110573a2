package dev.honker.spring.task;

import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One call of a task by name, for {@link HonkerTasks#call}: the queue, the task name,
 * positional and keyword arguments, and the job's options. Immutable; each
 * {@code with...} method returns a copy.
 *
 * <pre>{@code
 * TaskHandle<Integer> sum = tasks.call(TaskCall.of("math", "add").withArgs(2, 3), Integer.class);
 * }</pre>
 *
 * @param queue the task's queue
 * @param task the task name
 * @param args positional arguments, each written as JSON
 * @param kwargs keyword arguments by parameter name, each written as JSON
 * @param priority the job's priority
 * @param expires how long the call stays claimable, whole seconds, or {@code null} for
 * never
 * @param maxAttempts how many times the call is attempted
 */
public record TaskCall(String queue, String task, List<Object> args, Map<String, Object> kwargs, int priority,
		@Nullable Duration expires, int maxAttempts) {

	/**
	 * Checks the arguments.
	 * @throws IllegalArgumentException naming the argument and its value
	 */
	public TaskCall {
		requireName("queue", queue);
		requireName("task", task);
		Objects.requireNonNull(args, "args must not be null");
		Objects.requireNonNull(kwargs, "kwargs must not be null");
		args = Collections.unmodifiableList(Arrays.asList(args.toArray()));
		kwargs = Collections.unmodifiableMap(new LinkedHashMap<>(kwargs));
		if (expires != null && (expires.getSeconds() < 1 || expires.getNano() != 0)) {
			throw new IllegalArgumentException(
					"expires must be a whole number of seconds, at least 1s, got " + expires);
		}
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
		}
	}

	/**
	 * A call without arguments, priority 0, no expiry and three attempts.
	 * @param queue the task's queue
	 * @param task the task name
	 * @return the call
	 */
	public static TaskCall of(String queue, String task) {
		return new TaskCall(queue, task, List.of(), Map.of(), 0, null, 3);
	}

	/**
	 * A copy with positional arguments.
	 * @param args the arguments; {@code null} elements are JSON {@code null}
	 * @return the copy
	 */
	public TaskCall withArgs(Object... args) {
		return new TaskCall(this.queue, this.task, Arrays.asList(args), this.kwargs, this.priority, this.expires,
				this.maxAttempts);
	}

	/**
	 * A copy with keyword arguments.
	 * @param kwargs arguments by parameter name
	 * @return the copy
	 */
	public TaskCall withKwargs(Map<String, ?> kwargs) {
		return new TaskCall(this.queue, this.task, this.args, new LinkedHashMap<>(kwargs), this.priority, this.expires,
				this.maxAttempts);
	}

	/**
	 * A copy with another priority.
	 * @param priority higher is claimed first
	 * @return the copy
	 */
	public TaskCall withPriority(int priority) {
		return new TaskCall(this.queue, this.task, this.args, this.kwargs, priority, this.expires, this.maxAttempts);
	}

	/**
	 * A copy that expires.
	 * @param expires whole seconds, at least one, or {@code null} for never
	 * @return the copy
	 */
	public TaskCall withExpires(@Nullable Duration expires) {
		return new TaskCall(this.queue, this.task, this.args, this.kwargs, this.priority, expires, this.maxAttempts);
	}

	/**
	 * A copy with another attempt limit (Python's {@code retries}).
	 * @param maxAttempts one or more
	 * @return the copy
	 */
	public TaskCall withMaxAttempts(int maxAttempts) {
		return new TaskCall(this.queue, this.task, this.args, this.kwargs, this.priority, this.expires, maxAttempts);
	}

	private static void requireName(String argument, String value) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException(
					argument + " must not be empty, got " + (value == null ? "null" : "'" + value + "'"));
		}
	}

}
