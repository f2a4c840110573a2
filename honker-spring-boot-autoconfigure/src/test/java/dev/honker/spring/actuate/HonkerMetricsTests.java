package dev.honker.spring.actuate;

import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.honker.spring.core.HonkerDeadLetters;
import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.core.JobOptions;
import dev.honker.spring.core.JobTraceContexts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every Honker metric through one enqueue, retry, dead and requeue cycle of a real
 * listener, read from the {@link MeterRegistry} and from the Prometheus scrape. The trace
 * is sampled, so the enqueue stores its context and time, which
 * {@code honker.wake.latency} needs.
 */
class HonkerMetricsTests extends ActuatorApplicationTests {

	@Test
	void metricsFollowAJobThroughRetryDeathAndRequeue() throws Exception {
		start("honker.listener.backoff.initial-interval=1s", "honker.listener.backoff.jitter=0",
				"honker.tracing.cleanup-interval=200ms", "management.tracing.sampling.probability=1.0");
		MeterRegistry registry = this.context.getBean(MeterRegistry.class);
		JdbcTemplate jdbc = this.context.getBean(JdbcTemplate.class);
		ActuatorTestApplication.Jobs jobs = this.context.getBean(ActuatorTestApplication.Jobs.class);

		long id = this.context.getBean(HonkerTemplate.class)
			.enqueue("jobs", "m", JobOptions.defaults().withMaxAttempts(2));
		assertThat(count(registry, "honker.jobs.enqueued")).isEqualTo(1);
		await().atMost(LONG).until(() -> count(registry, "honker.jobs.dead") == 1);
		assertThat(count(registry, "honker.jobs.retried")).isEqualTo(1);
		assertThat(count(registry, "honker.jobs.completed")).isZero();
		assertThat(timerCount(registry, "honker.job.duration", "retry")).isEqualTo(1);
		assertThat(timerCount(registry, "honker.job.duration", "dead")).isEqualTo(1);
		assertThat(registry.get("honker.job.wait").tag("queue", "jobs").timer().count()).isEqualTo(2);
		assertThat(registry.get("honker.wake.latency").tag("queue", "jobs").timer().count()).isEqualTo(1);
		assertThat(registry.find("honker.job").meters()).as("Micrometer's default timers of honker.job").isEmpty();
		assertThat(registry.find("honker.enqueue").meters()).as("Micrometer's default timers of honker.enqueue")
			.isEmpty();
		assertThat(registry.find("honker.job.active").meters()).isEmpty();
		await().atMost(LONG).until(() -> gauge(registry, "honker.queue.dead") == 1.0);
		assertThat(gauge(registry, "honker.queue.pending")).isZero();
		assertThat(gauge(registry, "honker.queue.oldest.age")).isZero();
		await().atMost(LONG)
			.until(() -> jdbc.queryForObject("SELECT count(*) FROM " + JobTraceContexts.TABLE, Long.class) == 0);

		jobs.failing.set(false);
		assertThat(this.context.getBean(HonkerDeadLetters.class).requeue(id)).isEqualTo(HonkerDeadLetters.Result.DONE);
		await().atMost(LONG).until(() -> count(registry, "honker.jobs.completed") == 1);
		assertThat(timerCount(registry, "honker.job.duration", "success")).isEqualTo(1);
		assertThat(count(registry, "honker.jobs.dead")).isEqualTo(1);
		assertThat(count(registry, "honker.jobs.enqueued")).as("a requeue is not an enqueue").isEqualTo(1);
		await().atMost(LONG).until(() -> registry.find("honker.queue.dead").tag("queue", "jobs").gauge() == null);

		String scrape = send(request("/prometheus")).body();
		assertThat(scrape).contains("honker_jobs_enqueued_total{queue=\"jobs\"} 1.0")
			.contains("honker_jobs_retried_total{listener=\"jobs\",queue=\"jobs\"} 1.0")
			.contains("honker_jobs_dead_total{listener=\"jobs\",queue=\"jobs\"} 1.0")
			.contains("honker_jobs_completed_total{listener=\"jobs\",queue=\"jobs\"} 1.0")
			.contains("honker_job_duration_seconds_count{listener=\"jobs\",outcome=\"success\",queue=\"jobs\"} 1")
			.contains("honker_job_wait_seconds_count{listener=\"jobs\",queue=\"jobs\"} 3")
			.contains("honker_wake_latency_seconds_count{listener=\"jobs\",queue=\"jobs\"} 1");
	}

	@Test
	void queueGaugesComeFromSamplesAndAppearInTheScrape() throws Exception {
		start();
		JdbcTemplate jdbc = this.context.getBean(JdbcTemplate.class);
		jdbc.update("INSERT INTO _honker_live (queue, payload, run_at) VALUES ('idle', '{}', unixepoch() - 120)");
		jdbc.update("INSERT INTO _honker_live (queue, payload, run_at) VALUES ('idle', '{}', unixepoch() + 600)");
		MeterRegistry registry = this.context.getBean(MeterRegistry.class);
		await().atMost(LONG).until(() -> registry.find("honker.queue.pending").tag("queue", "idle").gauge() != null);
		assertThat(registry.get("honker.queue.pending").tag("queue", "idle").gauge().value()).isEqualTo(2);
		assertThat(registry.get("honker.queue.oldest.age").tag("queue", "idle").gauge().value()).isBetween(120.0,
				180.0);
		String scrape = send(request("/prometheus")).body();
		assertThat(scrape).contains("honker_queue_pending{queue=\"idle\"} 2.0")
			.containsPattern("honker_queue_oldest_age_seconds\\{queue=\"idle\"} 1[2-7]\\d\\.0")
			.contains("honker_queue_dead{queue=\"idle\"} 0.0");
	}

	@Test
	void enqueuesCountWhenTheirTransactionCommits() {
		start();
		MeterRegistry registry = this.context.getBean(MeterRegistry.class);
		HonkerTemplate honker = this.context.getBean(HonkerTemplate.class);
		TransactionTemplate transaction = new TransactionTemplate(
				this.context.getBean(PlatformTransactionManager.class));
		transaction.executeWithoutResult(status -> {
			honker.enqueueAll("batch", List.of("a", "b", "c"));
			assertThat(registry.find("honker.jobs.enqueued").tag("queue", "batch").counter())
				.as("nothing counted before the commit")
				.satisfiesAnyOf(counter -> assertThat(counter).isNull(),
						counter -> assertThat(counter.count()).isZero());
		});
		assertThat(registry.get("honker.jobs.enqueued").tag("queue", "batch").counter().count()).isEqualTo(3);
		transaction.executeWithoutResult(status -> {
			honker.enqueue("batch", "rolled back");
			status.setRollbackOnly();
		});
		assertThat(registry.get("honker.jobs.enqueued").tag("queue", "batch").counter().count()).isEqualTo(3);
	}

	private static double count(MeterRegistry registry, String name) {
		var counter = registry.find(name).tag("queue", "jobs").counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static long timerCount(MeterRegistry registry, String name, String outcome) {
		var timer = registry.find(name).tag("queue", "jobs").tag("outcome", outcome).timer();
		return (timer != null) ? timer.count() : 0;
	}

	private static double gauge(MeterRegistry registry, String name) {
		var gauge = registry.find(name).tag("queue", "jobs").gauge();
		return (gauge != null) ? gauge.value() : Double.NaN;
	}

}
