package dev.honker.spring.listener;

import org.jspecify.annotations.Nullable;
import java.time.Instant;
import java.util.Map;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.core.Ordered;
import org.springframework.util.Assert;

import dev.honker.spring.core.JobTraceContexts;
import dev.honker.spring.observation.DefaultHonkerJobObservationConvention;
import dev.honker.spring.observation.HonkerJobContext;
import dev.honker.spring.observation.HonkerJobObservationConvention;
import dev.honker.spring.observation.HonkerObservation;

/**
 * Observes every attempt of every job as {@code honker.job}: starts the observation
 * before the handler, in scope on the handler thread (so the handler's own observations
 * and spans are its children), and stops it once the job is settled, with the outcome.
 * With a {@link JobTraceContexts} store, the observation's carrier is the trace context
 * stored at enqueue, so the span continues the enqueueing trace, in whichever process
 * enqueued it; the containers of {@link HonkerListenerContainerFactory} read those
 * contexts in the claim transaction, one query per claimed batch. Runs first among the
 * interceptors, and so ends last. The observation stops before its scope closes, so that
 * the handlers of the stop (meters, span end) see the job's span as the current one.
 */
public class ObservationJobInterceptor implements JobInterceptor, Ordered {

	/** The order of this interceptor: before all others. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

	private final ObservationRegistry registry;

	private final @Nullable HonkerJobObservationConvention convention;

	private final @Nullable JobTraceContexts traceContexts;

	/**
	 * Creates the interceptor.
	 * @param registry the observation registry
	 * @param convention a convention replacing the default, or {@code null}
	 * @param traceContexts the trace context store, or {@code null} to start each job
	 * without a parent
	 */
	public ObservationJobInterceptor(ObservationRegistry registry, @Nullable HonkerJobObservationConvention convention,
			@Nullable JobTraceContexts traceContexts) {
		Assert.notNull(registry, "registry must not be null");
		this.registry = registry;
		this.convention = convention;
		this.traceContexts = traceContexts;
	}

	@Override
	public void beforeJob(JobContext context) {
		HonkerJob job = context.job();
		Map<String, String> carrier = Map.of();
		@Nullable Instant enqueuedAt = null;
		JobTraceContexts.Row row = context.traceContext();
		if (this.traceContexts != null && row != null) {
			JobTraceContexts.StoredContext stored = this.traceContexts.parse(row);
			carrier = stored.entries();
			enqueuedAt = stored.enqueuedAt();
		}
		HonkerJobContext observed = new HonkerJobContext(job.id(), job.queue(), context.listenerId(), job.attempts(),
				job.runAt(), Instant.now(), carrier, enqueuedAt);
		Observation observation = HonkerObservation.JOB
			.observation(this.convention, DefaultHonkerJobObservationConvention.INSTANCE, () -> observed, this.registry)
			.start();
		context.put(ObservationJobInterceptor.class, new Running(observation, observation.openScope(), observed));
	}

	@Override
	public void afterJob(JobContext context) {
		Running running = context.get(ObservationJobInterceptor.class, Running.class);
		if (running == null) {
			return;
		}
		running.context().setOutcome(outcome(context.outcome()));
		if (context.failure() != null) {
			running.observation().error(context.failure());
		}
		// Stopped while still in scope: a tracing-aware meter handler records the meters
		// in the span's scope, and with the span already current it opens no second scope
		// (nor copies the log correlation entries again) for every job.
		try {
			running.observation().stop();
		}
		finally {
			running.scope().close();
		}
	}

	/** The store whose contexts this interceptor continues, or {@code null}. */
	@Nullable JobTraceContexts traceContexts() {
		return this.traceContexts;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	private static HonkerJobContext.Outcome outcome(@Nullable JobOutcome outcome) {
		if (outcome == null) {
			return HonkerJobContext.Outcome.ABANDONED;
		}
		return switch (outcome) {
			case SUCCEEDED -> HonkerJobContext.Outcome.SUCCESS;
			case RETRIED -> HonkerJobContext.Outcome.RETRY;
			case DEAD_LETTERED -> HonkerJobContext.Outcome.DEAD;
			case MOVED -> HonkerJobContext.Outcome.MOVED;
			case DISCARDED -> HonkerJobContext.Outcome.DISCARDED;
			case ABANDONED -> HonkerJobContext.Outcome.ABANDONED;
		};
	}

	private record Running(Observation observation, Observation.Scope scope, HonkerJobContext context) {
	}

}
