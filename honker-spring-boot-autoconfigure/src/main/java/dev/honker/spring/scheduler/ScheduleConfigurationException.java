package dev.honker.spring.scheduler;

import org.jspecify.annotations.Nullable;

/**
 * A schedule declared in configuration or with {@link HonkerScheduled} that cannot be
 * registered, found at startup: a duplicate name, an empty queue, an invalid expression
 * or payload. The message names the property or method and the value.
 */
public class ScheduleConfigurationException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param message what is wrong, naming the property or method and the value
	 * @param cause the underlying error, or {@code null}
	 */
	public ScheduleConfigurationException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
