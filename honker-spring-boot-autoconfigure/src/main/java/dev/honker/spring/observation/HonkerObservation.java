package dev.honker.spring.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations of Honker: {@code honker.enqueue} around each {@code HonkerTemplate}
 * enqueue, and {@code honker.job} around each run of a listener's handler.
 */
public enum HonkerObservation implements ObservationDocumentation {

	/** An enqueue through {@code HonkerTemplate}. */
	ENQUEUE {
		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultHonkerEnqueueObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { Keys.QUEUE };
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return new KeyName[] { Keys.JOB_ID };
		}
	},

	/** One run of a claimed job by a listener. */
	JOB {
		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultHonkerJobObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { Keys.QUEUE, Keys.LISTENER, Keys.OUTCOME };
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return new KeyName[] { Keys.JOB_ID, Keys.ATTEMPT };
		}
	};

	/** The key names of Honker's observations. */
	public enum Keys implements KeyName {

		/** The queue name. */
		QUEUE {
			@Override
			public String asString() {
				return "honker.queue";
			}
		},
		/** The listener id. */
		LISTENER {
			@Override
			public String asString() {
				return "honker.listener";
			}
		},
		/** How a run ended: success, retry, dead or abandoned. */
		OUTCOME {
			@Override
			public String asString() {
				return "honker.outcome";
			}
		},
		/** The job id. */
		JOB_ID {
			@Override
			public String asString() {
				return "honker.job.id";
			}
		},
		/** The attempt number. */
		ATTEMPT {
			@Override
			public String asString() {
				return "honker.job.attempt";
			}
		}

	}

}
