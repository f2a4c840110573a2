package dev.honker.spring.listener;

/**
 * Decides what a failed job becomes: retried, dead-lettered, moved to another queue, or
 * acknowledged. Called on the handler thread after the handler threw (or its payload
 * could not be converted), outside any transaction of the handler.
 *
 * <p>
 * Each listener has a {@link DefaultJobErrorHandler} built from its settings. A bean of
 * this type replaces it for every listener; it can return
 * {@link FailedJob#defaultAction()} for the cases it does not change. If it throws, the
 * default action applies and the exception is logged.
 */
@FunctionalInterface
public interface JobErrorHandler {

	/**
	 * Decides the fate of a failed job.
	 * @param failed the job, its payload and the failure
	 * @return the action to take
	 */
	FailureAction handle(FailedJob failed);

}
