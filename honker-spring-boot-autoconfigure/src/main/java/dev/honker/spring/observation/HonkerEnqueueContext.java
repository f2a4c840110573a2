package dev.honker.spring.observation;

import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;

/**
 * The context of one enqueue call (one job, or a batch of jobs on one queue): the queue,
 * and, once the rows exist, the job ids. Its carrier receives the trace context (for
 * example a {@code traceparent} entry) that a tracing handler injects, to be stored
 * beside the job.
 */
public class HonkerEnqueueContext extends SenderContext<Map<String, String>> {

	private final String queue;

	private long[] jobIds = new long[0];

	/**
	 * Creates the context of an enqueue into {@code queue}.
	 * @param queue the queue name
	 */
	public HonkerEnqueueContext(String queue) {
		super((carrier, key, value) -> carrier.put(key, value), Kind.PRODUCER);
		setCarrier(new LinkedHashMap<>());
		this.queue = queue;
		setRemoteServiceName("honker");
	}

	/** The queue name. */
	public String getQueue() {
		return this.queue;
	}

	/**
	 * The new job's id (the first one of a batch enqueue), or 0 before the job rows were
	 * written.
	 */
	public long getJobId() {
		return (this.jobIds.length > 0) ? this.jobIds[0] : 0;
	}

	/** The number of new jobs; 0 before the rows were written. */
	public int getJobCount() {
		return this.jobIds.length;
	}

	/** The ids of the new jobs, in payload order; empty before the rows were written. */
	public long[] getJobIds() {
		return this.jobIds.clone();
	}

	/**
	 * Records the ids of the new jobs.
	 * @param jobIds the ids, in payload order
	 */
	public void setJobIds(long[] jobIds) {
		this.jobIds = jobIds.clone();
	}

}
