package dev.honker.spring.dashboard;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.core.JobOptions;
import dev.honker.spring.listener.HonkerListenerEndpointRegistry;
import dev.honker.spring.scheduler.HonkerSchedulerLeader;
import dev.honker.spring.scheduler.HonkerSchedules;
import dev.honker.spring.scheduler.ScheduleDefinition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard's pages and JSON API over HTTP on a real server: 404 pages with escaped
 * values, paging through every state, a queue whose name has a slash, writes and their
 * errors, schedule pause and resume, stream topics with and without consumers, a requeue
 * sent twice at once that runs the job once, and the live event stream after a commit.
 */
class DashboardApiTests {

	private static final Duration LONG = Duration.ofSeconds(30);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@TempDir
	Path dir;

	private final HttpClient http = HttpClient.newHttpClient();

	private ConfigurableApplicationContext context;

	private HonkerTemplate honker;

	private DashboardTestApplication.Jobs jobs;

	private String base;

	@BeforeEach
	void start() {
		this.context = DashboardTestApplication.start(this.dir.resolve("app.db"));
		this.honker = this.context.getBean(HonkerTemplate.class);
		this.jobs = this.context.getBean(DashboardTestApplication.Jobs.class);
		this.base = "http://127.0.0.1:" + this.context.getEnvironment().getRequiredProperty("local.server.port")
				+ "/honker";
	}

	@AfterEach
	void close() {
		this.context.close();
	}

	@Test
	void unknownQueuesAndJobsGetA404PageWithEscapedValues() throws Exception {
		HttpResponse<String> queue = get("/queue?name=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E");
		assertThat(queue.statusCode()).isEqualTo(404);
		assertThat(queue.headers().firstValue("Content-Type")).hasValueSatisfying(type -> type.startsWith("text/html"));
		assertThat(queue.body()).contains("No such queue", "&lt;img src=x onerror=alert(1)&gt;")
			.doesNotContain("<img src");
		HttpResponse<String> job = get("/jobs/424242");
		assertThat(job.statusCode()).isEqualTo(404);
		assertThat(job.body()).contains("Job 424242 is gone", "acknowledged, cancelled or deleted");
		assertThat(get("/jobs/abc").statusCode()).isEqualTo(404);
		assertThat(get("/assets/secret.txt").statusCode()).isEqualTo(404);
		assertThat(get("/api/queue?name=nope").statusCode()).isEqualTo(404);
		assertThat(get("/api/queue").statusCode()).isEqualTo(400);
		assertThat(get("/queue").statusCode()).isEqualTo(404);
		assertThat(json(get("/api/jobs/424242")).get("message"))
			.isEqualTo("Job 424242 is gone: it was acknowledged, cancelled or deleted, or it never existed.");
		HttpResponse<String> page = get("");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("<meta name=\"honker-base\" content=\"/honker\">",
				"<meta name=\"honker-view\" content=\"overview\">", "/honker/assets/dashboard.js");
		assertThat(get("/assets/dashboard.js").body()).contains("textContent").doesNotContain("innerHTML =");
	}

	@Test
	void pagesThroughEveryStateOfAQueue() throws Exception {
		pauseListener("mailer");
		List<Long> pending = new ArrayList<>();
		for (int i = 0; i < 60; i++) {
			pending.add(this.honker.enqueue("emails", "mail " + i));
		}
		List<Long> seen = new ArrayList<>();
		String after = null;
		int pages = 0;
		do {
			Map<String, Object> page = json(
					get("/api/queue?name=emails&state=pending&limit=25" + ((after != null) ? "&after=" + after : "")));
			for (Object job : (List<?>) page.get("jobs")) {
				seen.add(((Number) ((Map<?, ?>) job).get("id")).longValue());
			}
			after = (String) page.get("next");
			pages++;
		}
		while (after != null);
		assertThat(pages).isEqualTo(3);
		assertThat(seen).isEqualTo(pending);
		Map<String, Object> first = json(get("/api/queue?name=emails"));
		assertThat((Map<String, Object>) first.get("queue")).containsEntry("pending", 60);
		assertThat((List<?>) first.get("jobs")).hasSize(DashboardData.DEFAULT_PAGE_SIZE);
		assertThat(json(get("/api/queue?name=emails&state=processing")).get("jobs")).asList().isEmpty();

		long dead1 = this.honker.enqueue("reports", "a", JobOptions.defaults().withMaxAttempts(1));
		long dead2 = this.honker.enqueue("reports", "b", JobOptions.defaults().withMaxAttempts(1));
		await().atMost(LONG).until(() -> this.honker.job(dead2).isEmpty() && this.honker.job(dead1).isEmpty());
		Map<String, Object> deadPage = json(get("/api/queue?name=reports&state=dead&limit=1"));
		assertThat(deadPage.get("next")).isEqualTo(Long.toString(dead2));
		assertThat(((Map<?, ?>) ((List<?>) deadPage.get("jobs")).get(0)).get("lastError")).asString()
			.contains("report generator is down: b");
		Map<String, Object> secondDead = json(get("/api/queue?name=reports&state=dead&limit=1&after=" + dead2));
		assertThat(((Map<?, ?>) ((List<?>) secondDead.get("jobs")).get(0)).get("id")).isEqualTo((int) dead1);

		assertThat(json(get("/api/queue?name=emails&limit=0")).get("message")).asString()
			.contains("limit must be a number from 1 to 1000, got '0'");
		assertThat(get("/api/queue?name=emails&state=done").statusCode()).isEqualTo(400);
		assertThat(get("/api/queue?name=emails&after=x").statusCode()).isEqualTo(400);
	}

	@Test
	void writesAndTheirErrors() throws Exception {
		long dead = this.honker.enqueue("reports", "x", JobOptions.defaults().withMaxAttempts(1));
		long other = this.honker.enqueue("reports", "y", JobOptions.defaults().withMaxAttempts(1));
		await().atMost(LONG).until(() -> this.honker.job(dead).isEmpty() && this.honker.job(other).isEmpty());
		Map<String, Object> job = json(get("/api/jobs/" + dead));
		assertThat(job).containsEntry("state", "dead")
			.containsEntry("payload", "\"x\"")
			.containsEntry("queue", "reports");
		assertThat(post("/api/jobs/" + dead + "/delete").statusCode()).isEqualTo(200);
		assertThat(get("/api/jobs/" + dead).statusCode()).isEqualTo(404);
		assertThat(get("/jobs/" + dead).body()).contains("Job " + dead + " is gone");
		assertThat(post("/api/jobs/" + dead + "/delete").statusCode()).isEqualTo(404);
		assertThat(post("/api/jobs/abc/requeue").statusCode()).isEqualTo(400);

		pauseListener("mailer");
		long pending = this.honker.enqueue("emails", "z");
		HttpResponse<String> notDead = post("/api/jobs/" + pending + "/requeue");
		assertThat(notDead.statusCode()).isEqualTo(409);
		assertThat(notDead.body()).contains("is not dead");
		assertThat(post("/api/listeners/mailer/resume").body()).contains("Listener 'mailer' resumed.");
		await().atMost(LONG).until(() -> this.jobs.mailed.contains(pending));
		assertThat(post("/api/listeners/nobody/pause").statusCode()).isEqualTo(404);
		assertThat(post("/api/queue/requeue-dead?name=nope").statusCode()).isEqualTo(404);
		assertThat(json(post("/api/queue/delete-dead?name=reports")).get("message"))
			.isEqualTo("1 dead job of 'reports' deleted.");
		assertThat(this.honker.job(other)).isEmpty();
		assertThat(json(get("/api/jobs/" + other)).get("status")).isEqualTo(404);
	}

	@Test
	void aQueueWhoseNameHasASlashOpens() throws Exception {
		long id = this.honker.enqueue("a/b", "slashed", JobOptions.defaults().withDelay(Duration.ofHours(1)));
		HttpResponse<String> page = get("/queue?name=a%2Fb");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("<meta name=\"honker-subject\" content=\"a/b\">");
		Map<String, Object> queue = json(get("/api/queue?name=a%2Fb"));
		assertThat((Map<String, Object>) queue.get("queue")).containsEntry("name", "a/b").containsEntry("delayed", 1);
		assertThat(((Map<?, ?>) ((List<?>) queue.get("jobs")).get(0)).get("id")).isEqualTo((int) id);
		assertThat(json(post("/api/queue/requeue-dead?name=a%2Fb")).get("message"))
			.isEqualTo("0 dead jobs of 'a/b' requeued.");
	}

	@Test
	void pausesAndResumesSchedulesAndListsEveryStreamTopic() throws Exception {
		HonkerSchedules schedules = this.context.getBean(HonkerSchedules.class);
		schedules.register(ScheduleDefinition.of("nightly/report", "reports", "0 3 * * *"));
		this.honker.publish("orders", null, Map.of("order", 1));
		this.honker.publish("orders", null, Map.of("order", 2));
		this.honker.publish("audit", null, Map.of("who", "me"));
		this.honker.saveOffset("billing", "orders", 1);
		Map<String, Object> overview = json(get("/api/overview"));
		assertThat(overview.get("streams")).asList()
			.containsExactly(Map.of("topic", "audit", "lastOffset", 3, "consumers", List.of()),
					Map.of("topic", "orders", "lastOffset", 2, "consumers",
							List.of(Map.of("consumer", "billing", "offset", 1, "lag", 1))));
		assertThat(overview.get("schedules")).asList()
			.singleElement()
			.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
			.containsEntry("name", "nightly/report")
			.containsEntry("paused", false)
			.containsEntry("lastFires", List.of());

		assertThat(json(post("/api/schedule/pause?name=nightly%2Freport")).get("message"))
			.isEqualTo("Schedule 'nightly/report' paused.");
		assertThat(schedules.find("nightly/report"))
			.hasValueSatisfying(schedule -> assertThat(schedule.enabled()).isFalse());
		assertThat(json(post("/api/schedule/resume?name=nightly%2Freport")).get("message"))
			.isEqualTo("Schedule 'nightly/report' resumed.");
		assertThat(schedules.find("nightly/report"))
			.hasValueSatisfying(schedule -> assertThat(schedule.enabled()).isTrue());
		HttpResponse<String> unknown = post("/api/schedule/pause?name=weekly");
		assertThat(unknown.statusCode()).isEqualTo(404);
		assertThat(json(unknown).get("message"))
			.isEqualTo("There is no schedule 'weekly'; the schedules: [nightly/report]");
		assertThat(post("/api/schedule/pause").statusCode()).isEqualTo(400);
	}

	@Test
	void aRequeueSentTwiceAtOnceRunsTheJobOnce() throws Exception {
		long dead = this.honker.enqueue("reports", "twice?", JobOptions.defaults().withMaxAttempts(1));
		await().atMost(LONG).until(() -> this.honker.job(dead).isEmpty());
		this.jobs.failing.set(false);
		CompletableFuture<HttpResponse<String>> first = postAsync("/api/jobs/" + dead + "/requeue");
		CompletableFuture<HttpResponse<String>> second = postAsync("/api/jobs/" + dead + "/requeue");
		List<Integer> statuses = List.of(first.get().statusCode(), second.get().statusCode());
		assertThat(statuses).containsOnlyOnce(200);
		assertThat(statuses).anyMatch(status -> status == 409 || status == 404);
		await().atMost(LONG).until(() -> this.jobs.reported.contains(dead));
		assertThat(post("/api/jobs/" + dead + "/requeue").statusCode()).isEqualTo(404);
		assertThat(this.jobs.reported).containsExactly(dead);
	}

	@Test
	void theEventStreamSendsTheOverviewAfterACommit() throws Exception {
		pauseListener("mailer");
		LinkedBlockingQueue<String> data = openEvents();
		String initial = data.poll(30, TimeUnit.SECONDS);
		assertThat(initial).contains("\"queues\":[", "\"name\":\"emails\"", "\"pending\":0");
		assertThat(this.context.getBean(HonkerDashboard.class).getLivePageCount()).isEqualTo(1);
		this.honker.enqueue("emails", "live");
		// other commits (the scheduler leader taking its lock) may send an update first
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		String update = "";
		while (!update.contains("\"name\":\"emails\",\"pending\":1") && System.nanoTime() < deadline) {
			String next = data.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
			update = (next != null) ? next : update;
		}
		assertThat(update).contains("\"name\":\"emails\",\"pending\":1");
	}

	@Test
	void aCommitThatChangesNoJobSendsNoUpdate() throws Exception {
		pauseListener("mailer");
		LinkedBlockingQueue<String> data = openEvents();
		assertThat(data.poll(30, TimeUnit.SECONDS)).contains("\"name\":\"emails\",\"pending\":0");
		DashboardLive live = this.context.getBean(HonkerDashboard.class).live();
		await().atMost(LONG).until(() -> this.context.getBean(HonkerSchedulerLeader.class).isLeader());
		long checks = live.changeChecks();
		long refreshes = live.refreshes();
		data.clear();
		JdbcTemplate jdbc = this.context.getBean(JdbcTemplate.class);
		assertThat(jdbc.queryForObject("SELECT honker_lock_acquire('report-export', 'test', 60)", Long.class))
			.isEqualTo(1);
		await().atMost(LONG).until(() -> live.changeChecks() > checks);
		assertThat(live.refreshes()).as("refreshes after a lock was taken").isEqualTo(refreshes);
		assertThat(data).as("updates sent after a lock was taken").isEmpty();
		this.honker.enqueue("emails", "live");
		assertThat(data.poll(30, TimeUnit.SECONDS)).contains("\"name\":\"emails\",\"pending\":1");
		assertThat(live.refreshes()).isEqualTo(refreshes + 1);
	}

	/** Opens the page's event stream; its {@code data} lines go to the queue returned. */
	private LinkedBlockingQueue<String> openEvents() throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(this.base + "/api/events"))
			.header("Accept", "text/event-stream")
			.build();
		HttpResponse<InputStream> response = this.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
		assertThat(response.statusCode()).isEqualTo(200);
		LinkedBlockingQueue<String> data = new LinkedBlockingQueue<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = lines.readLine()) != null) {
					if (line.startsWith("data:")) {
						data.add(line.substring(5));
					}
				}
			}
			catch (Exception ex) {
				// the stream ends when the test closes the application
			}
		});
		reader.setDaemon(true);
		reader.start();
		return data;
	}

	private void pauseListener(String id) {
		this.context.getBean(HonkerListenerEndpointRegistry.class).getListenerContainer(id).pause();
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create(this.base + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(String path) throws Exception {
		return postAsync(path).get();
	}

	private CompletableFuture<HttpResponse<String>> postAsync(String path) {
		return this.http.sendAsync(
				HttpRequest.newBuilder(URI.create(this.base + path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> json(HttpResponse<String> response) {
		return JSON.readValue(response.body(), Map.class);
	}

}
