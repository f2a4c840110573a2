package dev.honker.spring.scheduler;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.honker.spring.boot.autoconfigure.HonkerAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.HonkerListenerAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.HonkerSchedulerAutoConfiguration;
import dev.honker.spring.listener.HonkerJob;
import dev.honker.spring.listener.HonkerListener;

/**
 * A worker application in its own JVM on {@code jdbc:sqlite:<worker.db>}: the starter's
 * auto-configuration (so it takes part in scheduler leadership), a
 * {@code @HonkerListener} on queue {@code ticks} and a
 * {@code @HonkerScheduled(every = "1s")} method named {@code beat-method} on queue
 * {@code scheduled}, both recording each job in table {@code handled (queue, job_id,
 * pid)} ({@code --worker.scheduled=false} leaves the scheduled method out). More
 * schedules come from the arguments, for example
 * {@code --honker.scheduler.schedules.beat.queue=ticks}. Prints
 * {@code worker ready <pid> <scheduler owner>} once started.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
		JdbcTemplateAutoConfiguration.class, JacksonAutoConfiguration.class, PropertyPlaceholderAutoConfiguration.class,
		HonkerAutoConfiguration.class, HonkerListenerAutoConfiguration.class, HonkerSchedulerAutoConfiguration.class })
public class SchedulerWorkerMain {

	/** Starts the worker; it runs until terminated or killed. */
	public static void main(String[] args) throws InterruptedException {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SchedulerWorkerMain.class)
			.web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.properties("spring.datasource.url=jdbc:sqlite:${worker.db}", "honker.sqlite.journal-mode=WAL",
					"honker.sqlite.busy-timeout=10s")
			.run(args);
		HonkerSchedulerLeader leader = context.getBeanProvider(HonkerSchedulerLeader.class).getIfAvailable();
		System.out.println("worker ready " + ProcessHandle.current().pid() + " "
				+ ((leader != null) ? leader.getOwner() : "none"));
		Thread.currentThread().join();
	}

	@Bean
	Recorder recorder(JdbcTemplate jdbc) {
		return new Recorder(jdbc);
	}

	@Bean
	@ConditionalOnBooleanProperty(name = "worker.scheduled", matchIfMissing = true)
	ScheduledRecorder scheduledRecorder(Recorder recorder) {
		return new ScheduledRecorder(recorder);
	}

	/** Records every job of queue {@code ticks}. */
	static class Recorder {

		private final JdbcTemplate jdbc;

		Recorder(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@HonkerListener(queue = "ticks", id = "recorder")
		void record(HonkerJob job) {
			insert(job);
		}

		void insert(HonkerJob job) {
			this.jdbc.update("INSERT INTO handled (queue, job_id, pid) VALUES (?, ?, ?)", job.queue(), job.id(),
					ProcessHandle.current().pid());
		}

	}

	/**
	 * Records every firing of the {@code beat-method} schedule; off with
	 * {@code --worker.scheduled=false}.
	 */
	static class ScheduledRecorder {

		private final Recorder recorder;

		ScheduledRecorder(Recorder recorder) {
			this.recorder = recorder;
		}

		@HonkerScheduled(every = "1s", name = "beat-method", queue = "scheduled")
		void scheduled(HonkerJob job) {
			this.recorder.insert(job);
		}

	}

}
