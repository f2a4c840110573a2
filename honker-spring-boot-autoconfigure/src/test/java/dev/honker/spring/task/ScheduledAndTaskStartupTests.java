package dev.honker.spring.task;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.honker.spring.listener.HonkerJob;
import dev.honker.spring.listener.PooledDatabaseTests;
import dev.honker.spring.scheduler.HonkerScheduled;
import dev.honker.spring.scheduler.SchedulerContexts;
import dev.honker.spring.scheduler.HonkerSchedules;
import dev.honker.spring.scheduler.Schedule;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @HonkerScheduled} methods run once per boundary; schedules come from
 * {@code honker.scheduler.schedules.*} too; and each bad declaration fails the context at
 * startup with a message naming the method or property and the value.
 */
class ScheduledAndTaskStartupTests extends PooledDatabaseTests {

	private JdbcTemplate jdbc;

	@BeforeEach
	void open() {
		this.jdbc = new JdbcTemplate(this.pool);
	}

	@Test
	void aScheduledMethodRunsAtEachBoundaryAsATaskOfItsOwnName() {
		SchedulerContexts.runner(this.pool).withBean(Beat.class).run(context -> {
			Beat beat = context.getBean(Beat.class);
			await().atMost(Duration.ofSeconds(30)).until(() -> beat.jobs.size() >= 2);
			Schedule schedule = context.getBean(HonkerSchedules.class).find("beat").get();
			assertThat(schedule.queue()).isEqualTo("beats");
			assertThat(schedule.expression()).isEqualTo("@every 1s");
			assertThat(schedule.payload()).isEqualTo(JsonMapper.shared()
				.readTree("{\"__honker_task__\": {\"task\": \"beat\", \"args\": [], \"kwargs\": {}}}"));
			assertThat(beat.jobs).doesNotHaveDuplicates().allSatisfy(job -> assertThat(job.queue()).isEqualTo("beats"));
		});
		assertThat(this.jdbc.queryForObject("SELECT count(*) FROM _honker_results", Long.class))
			.as("scheduled tasks store no result, as Python's periodic_task")
			.isZero();
	}

	@Test
	void configuredSchedulesAreRegisteredAtStartup() {
		SchedulerContexts.runner(this.pool)
			.withPropertyValues("honker.scheduler.schedules.report.queue=reports",
					"honker.scheduler.schedules.report.cron=0 3 * * *",
					"honker.scheduler.schedules.report.payload={\"kind\": \"daily\"}",
					"honker.scheduler.schedules.report.priority=2", "honker.scheduler.schedules.report.expires=60s",
					"honker.scheduler.schedules.report.max-attempts=5")
			.run(context -> {
				assertThat(context).hasNotFailed();
				Schedule report = context.getBean(HonkerSchedules.class).find("report").get();
				assertThat(report.queue()).isEqualTo("reports");
				assertThat(report.expression()).isEqualTo("0 3 * * *");
				assertThat(report.payload().get("kind").asString()).isEqualTo("daily");
				assertThat(report.priority()).isEqualTo(2);
				assertThat(report.expires()).isEqualTo(Duration.ofSeconds(60));
				assertThat(report.maxAttempts()).isEqualTo(5);
			});
	}

	@Test
	void twoScheduledMethodsWithOneNameFailStartup() {
		assertStartupFails(SchedulerContexts.runner(this.pool).withBean(Beat.class).withBean(SecondBeat.class),
				"duplicate schedule name 'beat' declared by @HonkerScheduled on",
				"Beat.tick(HonkerJob) and by @HonkerScheduled on");
	}

	@Test
	void aConfiguredScheduleAndAScheduledMethodWithOneNameFailStartup() {
		assertStartupFails(
				SchedulerContexts.runner(this.pool)
					.withBean(Beat.class)
					.withPropertyValues("honker.scheduler.schedules.beat.queue=q",
							"honker.scheduler.schedules.beat.cron=@every 5s"),
				"duplicate schedule name 'beat' declared by honker.scheduler.schedules.beat and by @HonkerScheduled");
	}

	@Test
	void anEmptyQueueFailsStartup() {
		assertStartupFails(
				SchedulerContexts.runner(this.pool).withBean(EmptyQueue.class).withPropertyValues("beat.queue="),
				"@HonkerScheduled on", "EmptyQueue.tick(): queue = '${beat.queue}' is invalid: must not be empty");
		assertStartupFails(SchedulerContexts.runner(this.pool)
			.withPropertyValues("honker.scheduler.schedules.x.queue= ", "honker.scheduler.schedules.x.cron=@every 1s"),
				"Invalid value '' for honker.scheduler.schedules.x.queue");
	}

	@Test
	void anUnparsableCronFailsStartup() {
		assertStartupFails(SchedulerContexts.runner(this.pool).withBean(BadCron.class),
				"BadCron.tick(): cron = '0 0 * * 7' is invalid: invalid schedule expression '0 0 * * 7'");
		assertStartupFails(SchedulerContexts.runner(this.pool)
			.withPropertyValues("honker.scheduler.schedules.x.queue=q", "honker.scheduler.schedules.x.cron=* *"),
				"Invalid value '* *' for honker.scheduler.schedules.x.cron",
				"schedule expression requires 5 or 6 cron fields");
		assertStartupFails(SchedulerContexts.runner(this.pool)
			.withPropertyValues("honker.scheduler.schedules.x.queue=q", "honker.scheduler.schedules.x.cron=@every 1s",
					"honker.scheduler.schedules.x.payload=hello"),
				"Invalid value 'hello' for honker.scheduler.schedules.x.payload: not JSON");
	}

	@Test
	void aTaskNameDeclaredTwiceWithDifferentMethodsFailsStartup() {
		assertStartupFails(SchedulerContexts.runner(this.pool).withBean(TwoAdds.class),
				"task name 'add' is declared twice, by", "TwoAdds.add(int, int) and by", "TwoAdds.plus(int, int)");
	}

	@Test
	void noScheduleIsRegisteredWhenStartupFails() {
		assertStartupFails(SchedulerContexts.runner(this.pool).withBean(Beat.class).withBean(BadCron.class),
				"'0 0 * * 7'");
		assertThat(this.jdbc.queryForObject("SELECT count(*) FROM _honker_scheduler_tasks", Long.class)).isZero();
	}

	private static void assertStartupFails(ApplicationContextRunner runner, String... fragments) {
		runner.run(context -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			FailureAnalysis analysis = analyze(failure);
			assertThat(analysis).as("a failure analyzer explains %s", failure).isNotNull();
			for (String fragment : fragments) {
				assertThat(analysis.getDescription()).contains(fragment);
			}
			assertThat(analysis.getAction()).isNotBlank();
		});
	}

	private static FailureAnalysis analyze(Throwable failure) {
		// Boot's own analyzers need a bean factory; only Honker's matter here
		for (FailureAnalyzer analyzer : SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, null, (type, name, ex) -> {
			})) {
			FailureAnalysis analysis = analyzer.analyze(failure);
			if (analysis != null) {
				return analysis;
			}
		}
		return null;
	}

	static class Beat {

		final List<HonkerJob> jobs = new CopyOnWriteArrayList<>();

		@HonkerScheduled(every = "1s", name = "beat", queue = "beats")
		void tick(HonkerJob job) {
			this.jobs.add(job);
		}

	}

	static class SecondBeat {

		@HonkerScheduled(cron = "0 * * * *", name = "beat")
		void tick() {
		}

	}

	static class EmptyQueue {

		@HonkerScheduled(every = "1m", queue = "${beat.queue}")
		void tick() {
		}

	}

	static class BadCron {

		@HonkerScheduled(cron = "0 0 * * 7")
		void tick() {
		}

	}

	static class TwoAdds {

		@HonkerTask(name = "add")
		int add(int a, int b) {
			return a + b;
		}

		@HonkerTask(name = "add")
		int plus(int a, int b) {
			return a + b;
		}

	}

}
