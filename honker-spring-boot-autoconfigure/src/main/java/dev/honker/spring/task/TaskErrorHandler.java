package dev.honker.spring.task;

import dev.honker.spring.listener.DefaultJobErrorHandler;
import dev.honker.spring.listener.FailedJob;
import dev.honker.spring.listener.FailureAction;
import dev.honker.spring.listener.JobErrorHandler;

/**
 * The failure handling of task queues, as Python's task worker does it: a job the worker
 * cannot run (no envelope, an unknown task, arguments that do not fit) goes to the dead
 * table at once with Honker's message as {@code last_error}; a failed task method is
 * retried after its task's retry delay until the call's attempts are used up.
 */
final class TaskErrorHandler implements JobErrorHandler {

	@Override
	public FailureAction handle(FailedJob failed) {
		Throwable failure = failed.failure();
		if (failure instanceof TaskRejectedException) {
			return FailureAction.deadLetter(failure.getMessage());
		}
		if (failure instanceof TaskMethodException method) {
			return FailureAction.retry(method.retryDelay(), DefaultJobErrorHandler.describe(method.getCause()));
		}
		return FailureAction.deadLetter(DefaultJobErrorHandler.describe(failure));
	}

}
