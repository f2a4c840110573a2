package dev.honker.spring.observation;

import io.micrometer.common.KeyValues;

/**
 * The default convention of {@code honker.job}: queue, listener and outcome as
 * low-cardinality keys, job id and attempt as high-cardinality ones, and the contextual
 * name {@code <queue> process}.
 */
public class DefaultHonkerJobObservationConvention implements HonkerJobObservationConvention {

	/** The shared instance. */
	public static final DefaultHonkerJobObservationConvention INSTANCE = new DefaultHonkerJobObservationConvention();

	@Override
	public String getName() {
		return "honker.job";
	}

	@Override
	public String getContextualName(HonkerJobContext context) {
		return context.getQueue() + " process";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(HonkerJobContext context) {
		HonkerJobContext.Outcome outcome = context.getOutcome();
		return KeyValues.of(HonkerObservation.Keys.QUEUE.withValue(context.getQueue()),
				HonkerObservation.Keys.LISTENER.withValue(context.getListenerId()),
				HonkerObservation.Keys.OUTCOME.withValue((outcome != null) ? outcome.tag() : "none"));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(HonkerJobContext context) {
		return KeyValues.of(HonkerObservation.Keys.JOB_ID.withValue(Long.toString(context.getJobId())),
				HonkerObservation.Keys.ATTEMPT.withValue(Long.toString(context.getAttempt())));
	}

}
