package dev.honker.spring.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.honker.spring.core.HonkerStatsSampler;
import dev.honker.spring.core.QueueStats;

/**
 * The queue gauges, one time series per queue (tag {@code queue}), set from each sample
 * of the {@link HonkerStatsSampler}, so a scrape never reads the database:
 * {@code honker.queue.pending}, {@code honker.queue.oldest.age} (seconds) and
 * {@code honker.queue.dead}. A queue that disappears from the statistics (no live and no
 * dead job left) disappears from the gauges.
 */
public class HonkerQueueMetrics implements MeterBinder {

	private final HonkerStatsSampler sampler;

	/**
	 * Creates the gauges of a sampler's samples.
	 * @param sampler the sampler
	 */
	public HonkerQueueMetrics(HonkerStatsSampler sampler) {
		this.sampler = sampler;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		MultiGauge pending = MultiGauge.builder("honker.queue.pending")
			.description("Jobs waiting to be claimed, claimable or delayed")
			.register(registry);
		MultiGauge oldest = MultiGauge.builder("honker.queue.oldest.age")
			.description("How long the oldest claimable job has been due")
			.baseUnit("seconds")
			.register(registry);
		MultiGauge dead = MultiGauge.builder("honker.queue.dead")
			.description("Jobs in the dead table")
			.register(registry);
		this.sampler.addListener(sample -> {
			List<MultiGauge.Row<?>> pendingRows = new ArrayList<>();
			List<MultiGauge.Row<?>> oldestRows = new ArrayList<>();
			List<MultiGauge.Row<?>> deadRows = new ArrayList<>();
			for (QueueStats queue : sample.queues()) {
				Tags tags = Tags.of("queue", queue.queue());
				pendingRows.add(MultiGauge.Row.of(tags, queue.pending()));
				oldestRows.add(MultiGauge.Row.of(tags,
						queue.oldestPendingAge().toMillis() / (double) TimeUnit.SECONDS.toMillis(1)));
				deadRows.add(MultiGauge.Row.of(tags, queue.dead()));
			}
			pending.register(pendingRows, true);
			oldest.register(oldestRows, true);
			dead.register(deadRows, true);
		});
	}

}
