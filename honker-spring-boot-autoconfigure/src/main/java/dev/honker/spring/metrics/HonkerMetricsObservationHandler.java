package dev.honker.spring.metrics;

import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;

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
 */
public class HonkerMetricsObservationHandler implements ObservationHandler<Observation.Context> {

	private static final String STARTED = HonkerMetricsObservationHandler.class.getName() + ".started";

	private final MeterRegistry registry;

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
	public void onStart(Observation.Context context) {
		if (context instanceof HonkerJobContext job) {
			job.put(STARTED, System.nanoTime());
			Tags tags = Tags.of("queue", job.getQueue(), "listener", job.getListenerId());
			if (job.getRunAt() != null && job.getClaimedAt() != null) {
				timer("honker.job.wait", "Time from a job's run_at to its claim", tags)
					.record(nonNegative(Duration.between(job.getRunAt(), job.getClaimedAt())));
			}
			Instant enqueuedAt = job.getEnqueuedAt();
			if (enqueuedAt != null && job.getAttempt() == 1 && job.getRunAt() != null
					&& !job.getRunAt().isAfter(enqueuedAt)) {
				timer("honker.wake.latency", "Time from a due job's enqueue to its claim", tags)
					.record(nonNegative(Duration.between(enqueuedAt, job.getClaimedAt())));
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
			Tags tags = Tags.of("queue", job.getQueue(), "listener", job.getListenerId());
			String counter = switch (job.getOutcome()) {
				case SUCCESS -> "honker.jobs.completed";
				case RETRY -> "honker.jobs.retried";
				case DEAD -> "honker.jobs.dead";
				case MOVED, DISCARDED, ABANDONED -> null;
			};
			if (counter != null) {
				Counter.builder(counter).tags(tags).register(this.registry).increment();
			}
			Long started = job.get(STARTED);
			if (started != null) {
				timer("honker.job.duration", "Time a listener's handler took",
						tags.and("outcome", job.getOutcome().tag()))
					.record(Duration.ofNanos(System.nanoTime() - started));
			}
		}
	}

	/**
	 * Counts enqueued jobs when the enqueue's transaction commits, at once outside a
	 * transaction: jobs rolled back with their transaction were never enqueued.
	 */
	private void countEnqueuedOnCommit(String queue, int jobs) {
		Counter counter = Counter.builder("honker.jobs.enqueued")
			.description("Jobs enqueued")
			.tag("queue", queue)
			.register(this.registry);
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

	private Timer timer(String name, String description, Tags tags) {
		return Timer.builder(name).description(description).tags(tags).register(this.registry);
	}

	private static Duration nonNegative(Duration duration) {
		return duration.isNegative() ? Duration.ZERO : duration;
	}

}
