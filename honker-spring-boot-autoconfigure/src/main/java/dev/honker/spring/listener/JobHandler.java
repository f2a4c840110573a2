package dev.honker.spring.listener;

/**
 * Handles the jobs of a listener registered in code (see {@link JobListenerEndpoint}), as
 * a {@code @HonkerListener} method does for an annotated one. Returning acknowledges the
 * job; throwing hands it to the {@link JobErrorHandler}.
 *
 * @param <T> the payload type
 */
@FunctionalInterface
public interface JobHandler<T> {

	/**
	 * Handles one job.
	 * @param payload the job's payload, converted to the endpoint's payload type
	 * @param job the job's metadata
	 * @throws Exception to have the job retried or dead-lettered
	 */
	void handle(T payload, HonkerJob job) throws Exception;

}
