package dev.honker.spring.observation;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.common.KeyValues;

/**
 * The default convention of {@code honker.enqueue}: the queue as a low-cardinality key,
 * the job id as a high-cardinality one, and the contextual name {@code <queue> send}.
 *
 * <p>
 * The contextual name and the low-cardinality key values depend only on the queue, so
 * they are built once per queue and reused for every enqueue, instead of being
 * concatenated and built on each start and stop.
 */
public class DefaultHonkerEnqueueObservationConvention implements HonkerEnqueueObservationConvention {

	/** The shared instance. */
	public static final DefaultHonkerEnqueueObservationConvention INSTANCE = new DefaultHonkerEnqueueObservationConvention();

	/** The job id's key value before the job rows are written. */
	private static final KeyValues NO_JOB_YET = jobId(0);

	/** The names and key values built so far, by queue. */
	private final Map<String, Names> names = new ConcurrentHashMap<>();

	@Override
	public String getName() {
		return "honker.enqueue";
	}

	@Override
	public String getContextualName(HonkerEnqueueContext context) {
		return names(context).contextualName();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(HonkerEnqueueContext context) {
		return names(context).keyValues();
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(HonkerEnqueueContext context) {
		long jobId = context.getJobId();
		return (jobId != 0) ? jobId(jobId) : NO_JOB_YET;
	}

	private Names names(HonkerEnqueueContext context) {
		Names found = this.names.get(context.getQueue());
		if (found == null) {
			found = this.names.computeIfAbsent(context.getQueue(), Names::of);
		}
		return found;
	}

	private static KeyValues jobId(long jobId) {
		return KeyValues.of(HonkerObservation.Keys.JOB_ID.withValue(Long.toString(jobId)));
	}

	/** The contextual name and low-cardinality key values of the enqueues of a queue. */
	private record Names(String contextualName, KeyValues keyValues) {

		static Names of(String queue) {
			return new Names(queue + " send", KeyValues.of(HonkerObservation.Keys.QUEUE.withValue(queue)));
		}

	}

}
