package dev.honker.spring.metrics;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

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

	/** The counters of enqueued jobs, by queue. */
	private final Map<String, Counter> enqueued = new ConcurrentHashMap<>();

	/** The meters of jobs, by queue, then by listener. */
	private final Map<String, Map<String, JobMeters>> jobMeters = new ConcurrentHashMap<>();

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
			JobMeters meters = jobMeters(job);
			if (job.getRunAt() != null && job.getClaimedAt() != null) {
				meters.waiting().record(nonNegativeNanos(job.getRunAt(), job.getClaimedAt()), TimeUnit.NANOSECONDS);
			}
			Instant enqueuedAt = job.getEnqueuedAt();
			if (enqueuedAt != null && job.getAttempt() == 1 && job.getRunAt() != null
					&& !job.getRunAt().isAfter(enqueuedAt)) {
				meters.wakeLatency().record(nonNegativeNanos(enqueuedAt, job.getClaimedAt()), TimeUnit.NANOSECONDS);
			}
		}
	}

	@Override
	public void onStop(Observation.Context context) {
		if (context instanceof HonkerEnqueueContext enqueue) {
			if (enqueue.getError() == null) {
				countEnqueuedOnCommit(enqueue.getQueue(), enqueue.getJobCount());
			}
		}
		else if (context instanceof HonkerJobContext job && job.getOutcome() != null) {
			JobMeters meters = jobMeters(job);
			Counter counter = meters.counter(job.getOutcome());
			if (counter != null) {
				counter.increment();
			}
			Long started = job.get(STARTED);
			if (started != null) {
				meters.duration(job.getOutcome()).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
			}
		}
	}

	/**
	 * Counts enqueued jobs when the enqueue's transaction commits, at once outside a
	 * transaction: jobs rolled back with their transaction were never enqueued.
	 */
	private void countEnqueuedOnCommit(String queue, int jobs) {
		Counter counter = enqueuedCounter(queue);
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

	/**
	 * The counter of a queue's enqueued jobs, registered on its first enqueue and then
	 * found by one map read.
	 */
	private Counter enqueuedCounter(String queue) {
		Counter counter = this.enqueued.get(queue);
		if (counter == null) {
			counter = this.enqueued.computeIfAbsent(queue,
					(name) -> Counter.builder(ENQUEUED)
						.description("Jobs enqueued")
						.tags(Tags.of("queue", name))
						.register(this.registry));
		}
		return counter;
	}

	/**
	 * The meters of a job's queue and listener, registered on the first job of that pair
	 * and then found by two map reads, without a key object or a registry lookup per job.
	 */
	private JobMeters jobMeters(HonkerJobContext job) {
		Map<String, JobMeters> ofQueue = this.jobMeters.get(job.getQueue());
		if (ofQueue == null) {
			ofQueue = this.jobMeters.computeIfAbsent(job.getQueue(), (queue) -> new ConcurrentHashMap<>());
		}
		JobMeters found = ofQueue.get(job.getListenerId());
		if (found == null) {
			found = ofQueue.computeIfAbsent(job.getListenerId(), (listener) -> new JobMeters(job.getQueue(), listener));
		}
		return found;
	}

	private Meter meter(MeterKey key, Function<MeterKey, Meter> register) {
		return this.meters.computeIfAbsent(key, register);
	}

	private Timer timer(String name, String queue, String listener, @Nullable String outcome) {
		return (Timer) meter(new MeterKey(name, queue, listener, outcome),
				(key) -> Timer.builder(name)
					.description(TIMER_DESCRIPTIONS.get(name))
					.tags(key.tags())
					.register(this.registry));
	}

	private static long nonNegativeNanos(Instant from, Instant to) {
		return Math.max(0, ChronoUnit.NANOS.between(from, to));
	}

	private static final String ENQUEUED = "honker.jobs.enqueued";

	private static final String WAIT = "honker.job.wait";

	private static final String WAKE_LATENCY = "honker.wake.latency";

	private static final String DURATION = "honker.job.duration";

	private static final Map<String, String> TIMER_DESCRIPTIONS = Map.of(WAIT, "Time from a job's run_at to its claim",
			WAKE_LATENCY, "Time from a due job's enqueue to its claim", DURATION, "Time a listener's handler took");

	/**
	 * The meters of the jobs of one queue and listener, each registered on its first use:
	 * the wait and wake latency timers, and by outcome the duration timer and the
	 * counter.
	 */
	private final class JobMeters {

		private final String queue;

		private final String listener;

		private final Timer waiting;

		private final AtomicReferenceArray<Timer> durations = new AtomicReferenceArray<>(
				HonkerJobContext.Outcome.values().length);

		private final AtomicReferenceArray<Counter> counters = new AtomicReferenceArray<>(
				HonkerJobContext.Outcome.values().length);

		private volatile @Nullable Timer wakeLatency;

		JobMeters(String queue, String listener) {
			this.queue = queue;
			this.listener = listener;
			this.waiting = timer(WAIT, queue, listener, null);
		}

		Timer waiting() {
			return this.waiting;
		}

		Timer wakeLatency() {
			Timer timer = this.wakeLatency;
			if (timer == null) {
				timer = timer(WAKE_LATENCY, this.queue, this.listener, null);
				this.wakeLatency = timer;
			}
			return timer;
		}

		Timer duration(HonkerJobContext.Outcome outcome) {
			Timer timer = this.durations.get(outcome.ordinal());
			if (timer == null) {
				timer = timer(DURATION, this.queue, this.listener, outcome.tag());
				this.durations.set(outcome.ordinal(), timer);
			}
			return timer;
		}

		/**
		 * The counter of an outcome, or {@code null} for outcomes that are not counted.
		 */
		@Nullable Counter counter(HonkerJobContext.Outcome outcome) {
			String name = switch (outcome) {
				case SUCCESS -> "honker.jobs.completed";
				case RETRY -> "honker.jobs.retried";
				case DEAD -> "honker.jobs.dead";
				case MOVED, DISCARDED, ABANDONED -> null;
			};
			if (name == null) {
				return null;
			}
			Counter counter = this.counters.get(outcome.ordinal());
			if (counter == null) {
				counter = (Counter) meter(new MeterKey(name, this.queue, this.listener, null),
						(key) -> Counter.builder(key.name())
							.tags(key.tags())
							.register(HonkerMetricsObservationHandler.this.registry));
				this.counters.set(outcome.ordinal(), counter);
			}
			return counter;
		}

	}

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
