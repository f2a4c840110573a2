package dev.honker.spring.observation;

import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;

/**
 * The context of one enqueue: the queue, and, once the job row exists, its id. Its
 * carrier receives the trace context (for example a {@code traceparent} entry) that a
 * tracing handler injects, to be stored beside the job.
 */
public class HonkerEnqueueContext extends SenderContext<Map<String, String>> {

	private final String queue;

	private long jobId;

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

	/** The new job's id, or 0 before the job row was written. */
	public long getJobId() {
		return this.jobId;
	}

	/**
	 * Records the new job's id.
	 * @param jobId the id honker_enqueue returned
	 */
	public void setJobId(long jobId) {
		this.jobId = jobId;
	}

}
