package dev.honker.spring.metrics;

import java.time.Instant;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.honker.spring.observation.HonkerJobContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job meters of {@link HonkerMetricsObservationHandler}, which it registers once per
 * queue and listener and then reuses: each job lands on its own queue's and listener's
 * meters.
 */
class HonkerMetricsObservationHandlerTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final HonkerMetricsObservationHandler handler = new HonkerMetricsObservationHandler(this.registry);

	@Test
	void eachJobCountsOnTheMetersOfItsQueueListenerAndOutcome() {
		run("orders", "billing", HonkerJobContext.Outcome.SUCCESS);
		run("orders", "billing", HonkerJobContext.Outcome.SUCCESS);
		run("orders", "audit", HonkerJobContext.Outcome.RETRY);
		run("emails", "billing", HonkerJobContext.Outcome.DEAD);
		run("emails", "billing", HonkerJobContext.Outcome.ABANDONED);
		assertThat(counter("honker.jobs.completed", "orders", "billing")).isEqualTo(2);
		assertThat(counter("honker.jobs.retried", "orders", "audit")).isEqualTo(1);
		assertThat(counter("honker.jobs.dead", "emails", "billing")).isEqualTo(1);
		assertThat(this.registry.find("honker.jobs.completed").tag("listener", "audit").counter()).isNull();
		assertThat(this.registry.get("honker.job.duration")
			.tags("queue", "orders", "listener", "billing", "outcome", "success")
			.timer()
			.count()).isEqualTo(2);
		assertThat(this.registry.get("honker.job.duration")
			.tags("queue", "emails", "listener", "billing", "outcome", "abandoned")
			.timer()
			.count()).isEqualTo(1);
		assertThat(this.registry.get("honker.job.wait").tags("queue", "emails", "listener", "billing").timer().count())
			.isEqualTo(2);
		assertThat(this.registry.find("honker.wake.latency").timer()).as("no job had a known enqueue time").isNull();
	}

	private void run(String queue, String listener, HonkerJobContext.Outcome outcome) {
		Instant now = Instant.now();
		HonkerJobContext context = new HonkerJobContext(1, queue, listener, 1, now, now, Map.of(), null);
		this.handler.onStart(context);
		context.setOutcome(outcome);
		this.handler.onStop(context);
	}

	private double counter(String name, String queue, String listener) {
		return this.registry.get(name).tags("queue", queue, "listener", listener).counter().count();
	}

}
