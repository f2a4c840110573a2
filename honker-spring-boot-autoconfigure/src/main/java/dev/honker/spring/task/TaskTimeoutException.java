package dev.honker.spring.task;

import java.time.Duration;

/**
 * {@link TaskHandle#await(Duration)} gave up: the task's result was not stored within the
 * timeout. The call may still run later; await again or read {@link TaskHandle#result()}.
 */
public class TaskTimeoutException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final long jobId;

	/**
	 * Creates the exception.
	 * @param task the task name
	 * @param jobId the call's job id
	 * @param timeout how long the caller waited
	 */
	public TaskTimeoutException(String task, long jobId, Duration timeout) {
		super("task '" + task + "' (job " + jobId + ") has no result after waiting " + timeout
				+ "; it has not run yet, is still running, or does not store results (storeResult = false)");
		this.jobId = jobId;
	}

	/**
	 * The call's job id.
	 * @return the job id
	 */
	public long getJobId() {
		return this.jobId;
	}

}
