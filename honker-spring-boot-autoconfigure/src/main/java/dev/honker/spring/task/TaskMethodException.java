package dev.honker.spring.task;

import java.time.Duration;

/**
 * Carries what a task method threw to the {@link TaskErrorHandler}, with the task's retry
 * delay.
 */
final class TaskMethodException extends Exception {

	private static final long serialVersionUID = 1L;

	private final transient Duration retryDelay;

	TaskMethodException(Duration retryDelay, Exception cause) {
		super(cause.getMessage(), cause, false, false);
		this.retryDelay = retryDelay;
	}

	Duration retryDelay() {
		return this.retryDelay;
	}

}
