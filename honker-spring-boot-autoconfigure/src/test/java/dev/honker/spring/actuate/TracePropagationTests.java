package dev.honker.spring.actuate;

import java.io.BufferedReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.honker.spring.core.JobTraceContexts;
import dev.honker.spring.listener.ChildJvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One trace across two JVMs: an HTTP request to a web application enqueues a job in its
 * transaction, a worker in another JVM handles it, and the worker's span is a child of
 * the enqueue's span, in the request's trace. Spans are recorded by an in-memory Brave
 * span handler in each JVM.
 */
class TracePropagationTests {

	private static final Duration LONG = Duration.ofSeconds(60);

	@TempDir
	Path dir;

	@Test
	void theHandlersSpanInAnotherJvmIsAChildOfTheEnqueueSpanOfTheRequest() throws Exception {
		Path database = this.dir.resolve("app.db");
		try (ConfigurableApplicationContext web = TracingWebApplication.start(database);
				ChildJvm worker = ChildJvm.startPiped(TracingWorkerMain.class, "--worker.db=" + database)) {
			List<String> workerLines = new CopyOnWriteArrayList<>();
			BufferedReader lines = worker.lines();
			CompletableFuture.runAsync(() -> lines.lines().forEach(workerLines::add));
			await().atMost(LONG).until(() -> workerLines.contains("worker ready"));

			String port = web.getEnvironment().getProperty("local.server.port");
			HttpResponse<String> response = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/orders"))
					.header("Content-Type", "text/plain")
					.POST(HttpRequest.BodyPublishers.ofString("order-1"))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(200);
			long jobId = Long.parseLong(response.body());
			await().atMost(LONG).until(() -> workerLines.contains("handled " + jobId));

			RecordedSpans recorded = web.getBean(RecordedSpans.class);
			await().atMost(LONG).until(() -> find(recorded.spans(), "http post /orders") != null);
			RecordedSpans.Span request = find(recorded.spans(), "http post /orders");
			RecordedSpans.Span enqueue = find(recorded.spans(), "traced send");
			assertThat(enqueue).isNotNull();
			assertThat(enqueue.traceId()).isEqualTo(request.traceId());
			assertThat(enqueue.parentId()).isEqualTo(request.spanId());

			await().atMost(LONG).until(() -> find(workerSpans(workerLines), "traced process") != null);
			RecordedSpans.Span handled = find(workerSpans(workerLines), "traced process");
			assertThat(handled.traceId()).as("trace of the job's span").isEqualTo(request.traceId());
			assertThat(handled.parentId()).as("parent of the job's span").isEqualTo(enqueue.spanId());

			JdbcTemplate jdbc = web.getBean(JdbcTemplate.class);
			assertThat(jdbc.queryForObject("SELECT count(*) FROM " + JobTraceContexts.TABLE, Long.class)).isOne();
			assertThat(web.getBean(JobTraceContexts.class).deleteEnded(10)).isOne();
		}
	}

	private static List<RecordedSpans.Span> workerSpans(List<String> lines) {
		List<RecordedSpans.Span> spans = new ArrayList<>();
		for (String line : lines) {
			if (line.startsWith("span ")) {
				spans.add(RecordedSpans.Span.parse(line));
			}
		}
		return spans;
	}

	private static RecordedSpans.Span find(List<RecordedSpans.Span> spans, String name) {
		return spans.stream().filter(span -> span.name().equals(name)).findFirst().orElse(null);
	}

}
