package dev.honker.spring.task;

/**
 * A job on a task queue that no task method of this worker can run: its payload has no
 * task envelope, names an unknown task, or carries arguments that do not fit the method.
 * The job goes to the dead table at once, with this message as its error.
 */
public class TaskRejectedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param message why the job cannot run
	 */
	public TaskRejectedException(String message) {
		super(message);
	}

	/**
	 * Creates the exception.
	 * @param message why the job cannot run
	 * @param cause the underlying error
	 */
	public TaskRejectedException(String message, Throwable cause) {
		super(message, cause);
	}

}
