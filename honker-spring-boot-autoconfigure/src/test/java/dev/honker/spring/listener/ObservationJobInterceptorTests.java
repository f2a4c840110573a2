package dev.honker.spring.listener;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import dev.honker.spring.observation.HonkerJobContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code honker.job} observation of {@link ObservationJobInterceptor}: its scope, and
 * the key values of the default convention, which it builds once per queue and listener.
 */
class ObservationJobInterceptorTests {

	private final ObservationRegistry registry = ObservationRegistry.create();

	private final Recorder recorder = new Recorder();

	private final ObservationJobInterceptor interceptor = new ObservationJobInterceptor(this.registry, null, null);

	ObservationJobInterceptorTests() {
		this.registry.observationConfig().observationHandler(this.recorder);
	}

	@Test
	void stopsTheObservationWhileItIsStillInScopeAndThenClosesTheScope() {
		run(7, "orders", "billing", JobOutcome.SUCCEEDED);
		assertThat(this.recorder.currentAtStop).hasSize(1);
		assertThat(this.recorder.currentAtStop.get(0)).as("the current observation when the job's stops")
			.isSameAs(this.recorder.stopped.get(0));
		assertThat(this.registry.getCurrentObservation()).as("after the job").isNull();
	}

	@Test
	void keyValuesNameEachJobsQueueListenerOutcomeIdAndAttempt() {
		run(1, "orders", "billing", JobOutcome.SUCCEEDED);
		run(2, "orders", "billing", JobOutcome.RETRIED);
		run(3, "orders", "audit", JobOutcome.DEAD_LETTERED);
		run(4, "emails", "billing", JobOutcome.SUCCEEDED);
		assertThat(this.recorder.stopped).extracting(HonkerJobContext::getContextualName)
			.containsExactly("orders process", "orders process", "orders process", "emails process");
		assertThat(this.recorder.stopped).extracting(context -> describe(context))
			.containsExactly("orders billing success 1 1", "orders billing retry 2 1", "orders audit dead 3 1",
					"emails billing success 4 1");
	}

	private void run(long id, String queue, String listener, JobOutcome outcome) {
		Instant now = Instant.now();
		JobContext context = new JobContext(listener, new HonkerJob(id, queue, 1, 3, now, now, "worker-1"), null);
		this.interceptor.beforeJob(context);
		context.finish(outcome, null);
		this.interceptor.afterJob(context);
	}

	private static String describe(HonkerJobContext context) {
		return value(context, "honker.queue") + " " + value(context, "honker.listener") + " "
				+ value(context, "honker.outcome") + " " + value(context, "honker.job.id") + " "
				+ value(context, "honker.job.attempt");
	}

	private static String value(HonkerJobContext context, String key) {
		KeyValue low = context.getLowCardinalityKeyValue(key);
		return (low != null) ? low.getValue() : context.getHighCardinalityKeyValue(key).getValue();
	}

	/** Records the job contexts when they stop, and the current observation then. */
	private final class Recorder implements ObservationHandler<HonkerJobContext> {

		final List<HonkerJobContext> stopped = new ArrayList<>();

		final List<Observation.Context> currentAtStop = new ArrayList<>();

		@Override
		public void onStop(HonkerJobContext context) {
			this.stopped.add(context);
			Observation current = ObservationJobInterceptorTests.this.registry.getCurrentObservation();
			if (current != null) {
				this.currentAtStop.add(current.getContext());
			}
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof HonkerJobContext;
		}

	}

}
