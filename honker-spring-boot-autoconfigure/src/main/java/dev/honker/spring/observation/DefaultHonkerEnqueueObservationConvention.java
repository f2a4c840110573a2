package dev.honker.spring.observation;

import io.micrometer.common.KeyValues;

/**
 * The default convention of {@code honker.enqueue}: the queue as a low-cardinality key,
 * the job id as a high-cardinality one, and the contextual name {@code <queue> send}.
 */
public class DefaultHonkerEnqueueObservationConvention implements HonkerEnqueueObservationConvention {

	/** The shared instance. */
	public static final DefaultHonkerEnqueueObservationConvention INSTANCE = new DefaultHonkerEnqueueObservationConvention();

	@Override
	public String getName() {
		return "honker.enqueue";
	}

	@Override
	public String getContextualName(HonkerEnqueueContext context) {
		return context.getQueue() + " send";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(HonkerEnqueueContext context) {
		return KeyValues.of(HonkerObservation.Keys.QUEUE.withValue(context.getQueue()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(HonkerEnqueueContext context) {
		return KeyValues.of(HonkerObservation.Keys.JOB_ID.withValue(Long.toString(context.getJobId())));
	}

}
