package dev.honker.spring.core;

import org.jspecify.annotations.Nullable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.Assert;

/**
 * Keeps the latest sample of {@link HonkerStats#queues()}, taken at a fixed interval (the
 * auto-configuration runs {@link #sample()} in a {@link PeriodicTask}), so that gauges
 * and health checks read the latest sample instead of the database: a scrape or a health
 * probe never runs a statistics query. Keeps the samples of a time window to tell how
 * much each queue's dead count grew within it.
 */
public class HonkerStatsSampler {

	private static final Log logger = LogFactory.getLog(HonkerStatsSampler.class);

	private final HonkerStats stats;

	private final Duration history;

	private final Clock clock;

	private final Deque<Sample> samples = new ArrayDeque<>();

	private final List<Consumer<Sample>> listeners = new CopyOnWriteArrayList<>();

	private volatile @Nullable Sample latest;

	private volatile @Nullable RuntimeException failure;

	/**
	 * Creates a sampler; it reads when {@link #sample()} is called, for example by a
	 * {@link PeriodicTask}.
	 * @param stats the statistics to read
	 * @param history how long to keep samples, for {@link #deadGrowth(Duration)}
	 */
	public HonkerStatsSampler(HonkerStats stats, Duration history) {
		Assert.notNull(stats, "stats must not be null");
		Assert.isTrue(history != null && !history.isNegative(), () -> "history must not be negative, got " + history);
		this.stats = stats;
		this.history = history;
		this.clock = Clock.systemUTC();
	}

	/**
	 * Reads the statistics now and keeps the result as the latest sample; on failure
	 * keeps the previous sample and remembers the failure.
	 */
	public void sample() {
		try {
			List<QueueStats> queues = this.stats.queues();
			Sample sample = new Sample(this.clock.instant(), queues);
			synchronized (this.samples) {
				this.samples.addLast(sample);
				Instant oldest = sample.at().minus(this.history);
				while (this.samples.size() > 1 && this.samples.peekFirst().at().isBefore(oldest)) {
					this.samples.removeFirst();
				}
			}
			this.latest = sample;
			this.failure = null;
			this.listeners.forEach(listener -> listener.accept(sample));
		}
		catch (RuntimeException ex) {
			logger.warn("Honker: reading the queue statistics failed: " + ex.getMessage(), ex);
			this.failure = ex;
		}
	}

	/**
	 * Calls {@code listener} with every new sample, on the sampling thread.
	 * @param listener the listener
	 */
	public void addListener(Consumer<Sample> listener) {
		Assert.notNull(listener, "listener must not be null");
		this.listeners.add(listener);
	}

	/** The latest sample, or {@code null} before the first successful read. */
	public @Nullable Sample latest() {
		return this.latest;
	}

	/** Why the last read failed, or {@code null} when it succeeded. */
	public @Nullable RuntimeException failure() {
		return this.failure;
	}

	/**
	 * How much the dead count of each queue grew between the oldest sample within
	 * {@code window} and the latest one; queues whose count did not grow are left out.
	 * @param window how far back to look, at most the history this sampler keeps
	 */
	public Map<String, Long> deadGrowth(Duration window) {
		Sample first;
		Sample last;
		synchronized (this.samples) {
			if (this.samples.isEmpty()) {
				return Map.of();
			}
			last = this.samples.peekLast();
			Instant since = last.at().minus(window);
			first = this.samples.stream().filter(sample -> !sample.at().isBefore(since)).findFirst().orElse(last);
		}
		Map<String, Long> before = new HashMap<>();
		first.queues().forEach(queue -> before.put(queue.queue(), queue.dead()));
		Map<String, Long> growth = new HashMap<>();
		for (QueueStats queue : last.queues()) {
			long grown = queue.dead() - before.getOrDefault(queue.queue(), 0L);
			if (grown > 0) {
				growth.put(queue.queue(), grown);
			}
		}
		return growth;
	}

	/**
	 * The statistics of every queue at one moment.
	 *
	 * @param at when they were read
	 * @param queues every queue with live or dead jobs
	 */
	public record Sample(Instant at, List<QueueStats> queues) {

		public Sample {
			queues = List.copyOf(queues);
		}

	}

}
