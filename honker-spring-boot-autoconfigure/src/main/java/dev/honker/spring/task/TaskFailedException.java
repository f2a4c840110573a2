package dev.honker.spring.task;

/**
 * The awaited task call failed for good: its job is in the dead table, with the error of
 * its last attempt.
 */
public class TaskFailedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final long jobId;

	private final String lastError;

	/**
	 * Creates the exception.
	 * @param task the task name
	 * @param jobId the call's job id
	 * @param lastError the dead job's {@code last_error}
	 */
	public TaskFailedException(String task, long jobId, String lastError) {
		super("task '" + task + "' (job " + jobId + ") failed: " + lastError);
		this.jobId = jobId;
		this.lastError = lastError;
	}

	/**
	 * The call's job id.
	 * @return the job id
	 */
	public long getJobId() {
		return this.jobId;
	}

	/**
	 * The error of the last attempt, as stored in {@code _honker_dead.last_error}.
	 * @return the error, possibly {@code null}
	 */
	public String getLastError() {
		return this.lastError;
	}

}
