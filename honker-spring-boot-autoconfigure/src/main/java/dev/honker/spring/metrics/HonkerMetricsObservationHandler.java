package dev.honker.spring.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.honker.spring.observation.HonkerEnqueueContext;
import dev.honker.spring.observation.HonkerJobContext;

/**
 * Records Honker's job metrics when the {@code honker.enqueue} and {@code honker.job}
 * observations stop:
 * <ul>
 * <li>{@code honker.jobs.enqueued} (tag {@code queue}): jobs enqueued, counting each job
 * of a batch enqueue, when their transaction commits (a rolled-back enqueue is not
 * counted);</li>
 * <li>{@code honker.jobs.completed}, {@code honker.jobs.retried},
 * {@code honker.jobs.dead} (tags {@code queue}, {@code listener}): runs that succeeded,
 * were scheduled again, or sent the job to the dead table;</li>
 * <li>{@code honker.job.duration} (tags {@code queue}, {@code listener},
 * {@code outcome}): the handler's time;</li>
 * <li>{@code honker.job.wait} (tags {@code queue}, {@code listener}): from the job's
 * {@code run_at} to its claim (whole seconds of {@code run_at}, so up to a second
 * high);</li>
 * <li>{@code honker.wake.latency} (tags {@code queue}, {@code listener}): from the
 * enqueue to the claim, for first attempts of jobs that were due at once and whose
 * enqueue stored a trace context (the only ones whose enqueue time is known to the
 * millisecond).</li>
 * </ul>
 * It is a {@link MeterObservationHandler} ordered first, so that it, and not Micrometer's
 * default meter handler, records the meters of Honker's observations: Honker's
 * observations get no {@code honker.enqueue} and {@code honker.job} timers and no
 * {@code .active} long task timers, which would cost a meter lookup, a timer and a long
 * task timer per enqueue and per job on top of the meters above (the handler time is
 * {@code honker.job.duration}).
 */
public class HonkerMetricsObservationHandler implements MeterObservationHandler<Observation.Context>, Ordered {

	private static final String STARTED = HonkerMetricsObservationHandler.class.getName() + ".started";

	private final MeterRegistry registry;

	/**
	 * The meters used so far, each registered once, on its first use, instead of being
	 * looked up in the registry for every job.
	 */
	private final Map<MeterKey, Meter> meters = new ConcurrentHashMap<>();

	/**
	 * Creates the handler.
	 * @param registry the registry the meters go to
	 */
	public HonkerMetricsObservationHandler(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof HonkerEnqueueContext || context instanceof HonkerJobContext;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public void onStart(Observation.Context context) {
		if (context instanceof HonkerJobContext job) {
			job.put(STARTED, System.nanoTime());
			if (job.getRunAt() != null && job.getClaimedAt() != null) {
				timer(WAIT, job, null).record(nonNegative(Duration.between(job.getRunAt(), job.getClaimedAt())));
			}
			Instant enqueuedAt = job.getEnqueuedAt();
			if (enqueuedAt != null && job.getAttempt() == 1 && job.getRunAt() != null
					&& !job.getRunAt().isAfter(enqueuedAt)) {
				timer(WAKE_LATENCY, job, null).record(nonNegative(Duration.between(enqueuedAt, job.getClaimedAt())));
			}
		}
	}

	@Override
	public void onStop(Observation.Context context) {
		if (context instanceof HonkerEnqueueContext enqueue) {
			if (enqueue.getError() == null) {
				countEnqueuedOnCommit(enqueue.getQueue(), enqueue.getJobIds().length);
			}
		}
		else if (context instanceof HonkerJobContext job && job.getOutcome() != null) {
			String counter = switch (job.getOutcome()) {
				case SUCCESS -> "honker.jobs.completed";
				case RETRY -> "honker.jobs.retried";
				case DEAD -> "honker.jobs.dead";
				case MOVED, DISCARDED, ABANDONED -> null;
			};
			if (counter != null) {
				Counter found = (Counter) this.meters.computeIfAbsent(
						new MeterKey(counter, job.getQueue(), job.getListenerId(), null),
						key -> Counter.builder(key.name()).tags(key.tags()).register(this.registry));
				found.increment();
			}
			Long started = job.get(STARTED);
			if (started != null) {
				timer(DURATION, job, job.getOutcome().tag()).record(Duration.ofNanos(System.nanoTime() - started));
			}
		}
	}

	/**
	 * Counts enqueued jobs when the enqueue's transaction commits, at once outside a
	 * transaction: jobs rolled back with their transaction were never enqueued.
	 */
	private void countEnqueuedOnCommit(String queue, int jobs) {
		Counter counter = (Counter) this.meters.computeIfAbsent(new MeterKey(ENQUEUED, queue, null, null),
				key -> Counter.builder(key.name())
					.description("Jobs enqueued")
					.tags(key.tags())
					.register(this.registry));
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public void afterCommit() {
					counter.increment(jobs);
				}

			});
		}
		else {
			counter.increment(jobs);
		}
	}

	private Timer timer(String name, HonkerJobContext job, @Nullable String outcome) {
		return (Timer) this.meters.computeIfAbsent(new MeterKey(name, job.getQueue(), job.getListenerId(), outcome),
				key -> Timer.builder(name)
					.description(TIMER_DESCRIPTIONS.get(name))
					.tags(key.tags())
					.register(this.registry));
	}

	private static Duration nonNegative(Duration duration) {
		return duration.isNegative() ? Duration.ZERO : duration;
	}

	private static final String ENQUEUED = "honker.jobs.enqueued";

	private static final String WAIT = "honker.job.wait";

	private static final String WAKE_LATENCY = "honker.wake.latency";

	private static final String DURATION = "honker.job.duration";

	private static final Map<String, String> TIMER_DESCRIPTIONS = Map.of(WAIT, "Time from a job's run_at to its claim",
			WAKE_LATENCY, "Time from a due job's enqueue to its claim", DURATION, "Time a listener's handler took");

	/** A meter's name and tags; {@code null} tags are absent. */
	private record MeterKey(String name, String queue, @Nullable String listener, @Nullable String outcome) {

		Tags tags() {
			Tags tags = Tags.of("queue", this.queue);
			if (this.listener != null) {
				tags = tags.and("listener", this.listener);
			}
			return (this.outcome != null) ? tags.and("outcome", this.outcome) : tags;
		}

	}

}
