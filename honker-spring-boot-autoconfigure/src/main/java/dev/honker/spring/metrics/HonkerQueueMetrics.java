package dev.honker.spring.metrics;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.honker.spring.core.HonkerStatsSampler;
import dev.honker.spring.core.QueueStats;

/**
 * The queue gauges, one time series per queue (tag {@code queue}), set from each sample
 * of the {@link HonkerStatsSampler}, so a scrape never reads the database:
 * {@code honker.queue.pending}, {@code honker.queue.oldest.age} (seconds) and
 * {@code honker.queue.dead}. Each queue's gauges are registered once and read values the
 * latest sample stored; a queue that disappears from the statistics (no live and no dead
 * job left) is removed from the registry.
 */
public class HonkerQueueMetrics implements MeterBinder {

	private final HonkerStatsSampler sampler;

	private final Map<String, QueueGauges> queues = new ConcurrentHashMap<>();

	/**
	 * Creates the gauges of a sampler's samples.
	 * @param sampler the sampler
	 */
	public HonkerQueueMetrics(HonkerStatsSampler sampler) {
		this.sampler = sampler;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.sampler.addListener(sample -> {
			Set<String> seen = new HashSet<>();
			for (QueueStats queue : sample.queues()) {
				seen.add(queue.queue());
				this.queues.computeIfAbsent(queue.queue(), name -> new QueueGauges(registry, name)).set(queue);
			}
			this.queues.entrySet().removeIf(entry -> {
				if (seen.contains(entry.getKey())) {
					return false;
				}
				entry.getValue().meters.forEach(registry::remove);
				return true;
			});
		});
	}

	/** The gauges of one queue and the values they read. */
	private static final class QueueGauges {

		private final AtomicLong pending = new AtomicLong();

		private final AtomicLong oldestMillis = new AtomicLong();

		private final AtomicLong dead = new AtomicLong();

		private final List<Meter> meters;

		QueueGauges(MeterRegistry registry, String queue) {
			this.meters = List.of(
					Gauge.builder("honker.queue.pending", this.pending, AtomicLong::get)
						.description("Jobs waiting to be claimed, claimable or delayed")
						.tag("queue", queue)
						.register(registry),
					Gauge.builder("honker.queue.oldest.age", this.oldestMillis, millis -> millis.get() / 1000.0)
						.description("How long the oldest claimable job has been due")
						.baseUnit("seconds")
						.tag("queue", queue)
						.register(registry),
					Gauge.builder("honker.queue.dead", this.dead, AtomicLong::get)
						.description("Jobs in the dead table")
						.tag("queue", queue)
						.register(registry));
		}

		void set(QueueStats stats) {
			this.pending.set(stats.pending());
			this.oldestMillis.set(stats.oldestPendingAge().toMillis());
			this.dead.set(stats.dead());
		}

	}

}
