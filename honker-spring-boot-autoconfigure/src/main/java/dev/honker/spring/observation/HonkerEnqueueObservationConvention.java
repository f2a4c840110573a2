package dev.honker.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The convention of the {@code honker.enqueue} observation; implement it (or extend
 * {@link DefaultHonkerEnqueueObservationConvention}) to change its name or key values.
 */
public interface HonkerEnqueueObservationConvention extends ObservationConvention<HonkerEnqueueContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof HonkerEnqueueContext;
	}

}
