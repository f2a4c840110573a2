package dev.honker.spring.task;

import org.jspecify.annotations.Nullable;

/**
 * A {@link HonkerTask} method or client interface that cannot work, found at startup (or
 * when the client is created): a task name declared twice with different methods, an
 * empty queue, an invalid attribute, a parameter Jackson cannot bind. The message names
 * the method and the value.
 */
public class TaskConfigurationException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param message what is wrong, naming the method and the value
	 * @param cause the underlying error, or {@code null}
	 */
	public TaskConfigurationException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
