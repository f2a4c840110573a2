package dev.honker.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The convention of the {@code honker.job} observation; implement it (or extend
 * {@link DefaultHonkerJobObservationConvention}) to change its name or key values.
 */
public interface HonkerJobObservationConvention extends ObservationConvention<HonkerJobContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof HonkerJobContext;
	}

}
