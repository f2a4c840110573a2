package dev.honker.spring.actuate;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.core.JobOptions;
import dev.honker.spring.scheduler.HonkerSchedules;
import dev.honker.spring.scheduler.ScheduleDefinition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code honker} endpoint over HTTP, on the management port of a real server: reads,
 * requeue of a dead job that then runs on the live listener, delete, pause and resume of
 * a listener and of a schedule, and the errors (404, 409, 400); writes refused unless
 * access is unrestricted.
 */
class HonkerEndpointTests extends ActuatorApplicationTests {

	@Test
	void readsRequeuesDeletesAndPauses() throws Exception {
		start("management.endpoint.honker.access=unrestricted");
		HonkerTemplate honker = this.context.getBean(HonkerTemplate.class);
		JdbcTemplate jdbc = this.context.getBean(JdbcTemplate.class);
		ActuatorTestApplication.Jobs jobs = this.context.getBean(ActuatorTestApplication.Jobs.class);
		long first = honker.enqueue("jobs", "one", JobOptions.defaults().withMaxAttempts(1).withPriority(4));
		long second = honker.enqueue("jobs", "two", JobOptions.defaults().withMaxAttempts(1));
		long parked = honker.enqueue("parked", "later", JobOptions.defaults().withDelay(Duration.ofHours(1)));
		await().atMost(LONG).until(() -> count(jdbc, "SELECT count(*) FROM _honker_dead") == 2);

		HttpResponse<String> report = get("");
		assertThat(report.statusCode()).isEqualTo(200);
		assertThat(report.body()).contains("\"queue\":\"jobs\"", "\"dead\":2", "\"queue\":\"parked\"", "\"delayed\":1")
			.contains("\"id\":\"jobs\"", "\"paused\":false");
		assertThat(get("/queues/jobs").body()).contains("\"dead\":2", "\"pending\":0");
		HttpResponse<String> deadPage = get("/queues/jobs/dead?limit=1");
		assertThat(deadPage.statusCode()).isEqualTo(200);
		assertThat(deadPage.body()).contains("\"id\":" + second, "\"nextBefore\":" + second, "failing on purpose: two");

		HttpResponse<String> unknown = get("/queues/nope");
		assertThat(unknown.statusCode()).isEqualTo(404);
		assertThat(unknown.body()).contains("unknown queue 'nope'");
		assertThat(get("/queues/nope/dead").statusCode()).isEqualTo(404);
		HttpResponse<String> notNumeric = post("/dead-jobs/abc", "requeue");
		assertThat(notNumeric.statusCode()).isEqualTo(400);
		assertThat(notNumeric.body()).contains("job id must be a number, got 'abc'");
		assertThat(get("/queues/jobs/dead?before=abc").statusCode()).isEqualTo(400);
		HttpResponse<String> live = post("/dead-jobs/" + parked, "requeue");
		assertThat(live.statusCode()).isEqualTo(409);
		assertThat(live.body()).contains("job " + parked + " is not dead");
		assertThat(post("/dead-jobs/9999", "requeue").statusCode()).isEqualTo(404);
		assertThat(post("/dead-jobs/" + first, "explode").statusCode()).isEqualTo(400);

		jobs.failing.set(false);
		HttpResponse<String> requeued = post("/dead-jobs/" + first, "requeue");
		assertThat(requeued.statusCode()).isEqualTo(200);
		assertThat(requeued.body()).contains("\"result\":\"requeued\"");
		await().atMost(LONG).until(() -> jobs.handled.contains(first));
		assertThat(count(jdbc, "SELECT count(*) FROM _honker_live WHERE queue = 'jobs'")).isZero();

		HttpResponse<String> pause = post("/listeners/jobs", "pause");
		assertThat(pause.statusCode()).isEqualTo(200);
		assertThat(pause.body()).contains("\"paused\":true");
		assertThat(post("/queues/jobs", "requeue-dead").body()).contains("\"requeued\":1");
		assertThat(count(jdbc, "SELECT count(*) FROM _honker_live WHERE id = " + second + " AND attempts = 0"))
			.isEqualTo(1);
		assertThat(jobs.handled).doesNotContain(second);
		assertThat(post("/listeners/jobs", "resume").body()).contains("\"paused\":false");
		await().atMost(LONG).until(() -> jobs.handled.contains(second));
		assertThat(post("/listeners/nobody", "pause").statusCode()).isEqualTo(404);

		HonkerSchedules schedules = this.context.getBean(HonkerSchedules.class);
		schedules.register(ScheduleDefinition.of("nightly", "reports", "0 3 * * *"));
		HttpResponse<String> pauseSchedule = post("/schedules/nightly", "pause");
		assertThat(pauseSchedule.statusCode()).isEqualTo(200);
		assertThat(pauseSchedule.body()).contains("\"schedule\":\"nightly\"", "\"paused\":true");
		assertThat(schedules.find("nightly")).hasValueSatisfying(schedule -> assertThat(schedule.enabled()).isFalse());
		assertThat(get("").body()).contains("\"name\":\"nightly\"", "\"paused\":true");
		assertThat(post("/schedules/nightly", "resume").body()).contains("\"paused\":false");
		assertThat(schedules.find("nightly")).hasValueSatisfying(schedule -> assertThat(schedule.enabled()).isTrue());
		HttpResponse<String> unknownSchedule = post("/schedules/weekly", "pause");
		assertThat(unknownSchedule.statusCode()).isEqualTo(404);
		assertThat(unknownSchedule.body()).contains("no schedule 'weekly'; schedules: [nightly]");
		assertThat(post("/schedules/nightly", "explode").statusCode()).isEqualTo(400);

		jobs.failing.set(true);
		long third = honker.enqueue("jobs", "three", JobOptions.defaults().withMaxAttempts(1));
		await().atMost(LONG).until(() -> count(jdbc, "SELECT count(*) FROM _honker_dead") == 1);
		assertThat(delete("/dead-jobs/" + third).statusCode()).isEqualTo(200);
		assertThat(count(jdbc, "SELECT count(*) FROM _honker_dead")).isZero();
		assertThat(delete("/dead-jobs/" + third).statusCode()).isEqualTo(404);
		assertThat(delete("/dead-jobs/x").statusCode()).isEqualTo(400);
	}

	@Test
	void writeOperationsAreNotAvailableByDefault() throws Exception {
		start();
		HonkerTemplate honker = this.context.getBean(HonkerTemplate.class);
		JdbcTemplate jdbc = this.context.getBean(JdbcTemplate.class);
		long id = honker.enqueue("jobs", "one", JobOptions.defaults().withMaxAttempts(1));
		await().atMost(LONG).until(() -> count(jdbc, "SELECT count(*) FROM _honker_dead") == 1);
		assertThat(get("/queues/jobs").statusCode()).isEqualTo(200);
		assertThat(post("/dead-jobs/" + id, "requeue").statusCode()).isEqualTo(405);
		assertThat(delete("/dead-jobs/" + id).statusCode()).isEqualTo(405);
		assertThat(post("/listeners/jobs", "pause").statusCode()).isEqualTo(405);
		assertThat(post("/schedules/nightly", "pause").statusCode()).isEqualTo(405);
		assertThat(count(jdbc, "SELECT count(*) FROM _honker_dead")).isEqualTo(1);
	}

	private static long count(JdbcTemplate jdbc, String sql) {
		return jdbc.queryForObject(sql, Long.class);
	}

	private HttpResponse<String> get(String path) throws Exception {
		return send(request("/honker" + path).GET());
	}

	private HttpResponse<String> post(String path, String action) throws Exception {
		return send(request("/honker" + path).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"" + action + "\"}")));
	}

	private HttpResponse<String> delete(String path) throws Exception {
		return send(request("/honker" + path).DELETE());
	}

}
