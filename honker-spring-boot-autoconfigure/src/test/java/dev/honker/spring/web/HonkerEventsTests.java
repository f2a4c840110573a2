package dev.honker.spring.web;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.honker.spring.boot.autoconfigure.HonkerAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.HonkerEventsAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.HonkerListenerAutoConfiguration;
import dev.honker.spring.core.HonkerTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.awaitility.Awaitility.await;

/**
 * {@link HonkerEvents} in a real Spring MVC application on Tomcat, read over HTTP as a
 * browser's EventSource reads it.
 */
class HonkerEventsTests {

	@TempDir
	Path dir;

	ConfigurableApplicationContext context;

	HonkerTemplate honker;

	HttpClient http = HttpClient.newHttpClient();

	@BeforeEach
	void startApplication() {
		this.context = new SpringApplicationBuilder(Application.class).logStartupInfo(false)
			.properties("spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("app.db"),
					"honker.sqlite.journal-mode=WAL", "server.port=0")
			.run();
		this.honker = this.context.getBean(HonkerTemplate.class);
	}

	@AfterEach
	void stopApplication() {
		this.context.close();
	}

	@Test
	void forwardsTheNotificationsOfAChannelAsTheyCommit() throws Exception {
		this.honker.notify("orders", "before");
		try (EventReader events = open("/notifications/orders", null)) {
			this.honker.notify("other", "not this one");
			long first = this.honker.notify("orders", new Status(7, "CONFIRMED"));
			long second = this.honker.notify("orders", "shipped");
			assertThat(events.next())
				.isEqualTo(new Event(Long.toString(first), "orders", "{\"id\":7,\"state\":\"CONFIRMED\"}"));
			assertThat(events.next()).isEqualTo(new Event(Long.toString(second), "orders", "\"shipped\""));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			this.honker.notify("orders", "after the client left");
			return this.context.getBean(HonkerEvents.class).getEmitterCount() == 0;
		});
	}

	@Test
	void aReconnectingBrowserResumesAfterItsLastEventId() throws Exception {
		long seen = this.honker.notify("orders", 1);
		long missed = this.honker.notify("orders", 2);
		try (EventReader events = open("/notifications/orders", Long.toString(seen))) {
			assertThat(events.next().id()).isEqualTo(Long.toString(missed));
		}
	}

	@Test
	void forwardsTheEventsOfAStreamTopic() throws Exception {
		this.honker.publish("shipments", null, "old");
		try (EventReader events = open("/streams/shipments", null)) {
			long offset = this.honker.publish("shipments", "k", new Status(3, "SHIPPED"));
			assertThat(events.next())
				.isEqualTo(new Event(Long.toString(offset), "shipments", "{\"id\":3,\"state\":\"SHIPPED\"}"));
		}
	}

	@Test
	void callsItsFeedsAfterCommitsAndAtTheTimeTheyAsk() throws Exception {
		HonkerEvents events = this.context.getBean(HonkerEvents.class);
		BlockingQueue<Boolean> first = new LinkedBlockingQueue<>();
		BlockingQueue<Instant> asks = new LinkedBlockingQueue<>();
		HonkerEvents.Feed feed = committed -> {
			first.add(committed);
			return asks.poll();
		};
		events.addFeed(feed);
		assertThat(first.poll(30, TimeUnit.SECONDS)).as("the run's first pass is no commit").isFalse();
		asks.add(Instant.now().plusMillis(300));
		this.honker.notify("anything", 1);
		assertThat(first.poll(30, TimeUnit.SECONDS)).as("after a commit").isTrue();
		assertThat(first.poll(30, TimeUnit.SECONDS)).as("at the time it asked for, without a commit").isFalse();

		BlockingQueue<Boolean> second = new LinkedBlockingQueue<>();
		events.addFeed(committed -> {
			second.add(committed);
			return null;
		});
		events.removeFeed(feed);
		events.wake();
		assertThat(second.poll(30, TimeUnit.SECONDS)).as("wake() counts as a commit").isTrue();
		assertThat(first).as("a removed feed is not called").isEmpty();
		assertThatNullPointerException().isThrownBy(() -> events.addFeed(null)).withMessage("feed must not be null");
	}

	@Test
	void rejectsAnEmptyChannelAndABadLastEventId() {
		HonkerEvents events = this.context.getBean(HonkerEvents.class);
		assertThatIllegalArgumentException().isThrownBy(() -> events.sse(""))
			.withMessage("channel must not be empty, got ''");
		assertThatIllegalArgumentException().isThrownBy(() -> events.sseStream(null))
			.withMessage("topic must not be empty, got null");
		assertThatIllegalArgumentException().isThrownBy(() -> events.sse("orders", "abc"))
			.withMessage("lastEventId must be a notification id or stream offset (0 or more), got 'abc'");
	}

	private EventReader open(String path, String lastEventId) throws Exception {
		String port = this.context.getEnvironment().getProperty("local.server.port");
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.header("Accept", "text/event-stream");
		if (lastEventId != null) {
			request.header("Last-Event-ID", lastEventId);
		}
		HttpResponse<InputStream> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
		return new EventReader(response.body());
	}

	record Status(long id, String state) {
	}

	record Event(String id, String name, String data) {
	}

	/** Parses the event stream on a thread of its own, as EventSource does. */
	static final class EventReader implements AutoCloseable {

		private final InputStream body;

		private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

		EventReader(InputStream body) {
			this.body = body;
			Thread thread = new Thread(this::read, "sse-reader");
			thread.setDaemon(true);
			thread.start();
		}

		Event next() throws InterruptedException {
			Event event = this.events.poll(10, TimeUnit.SECONDS);
			assertThat(event).as("an event within 10 s").isNotNull();
			return event;
		}

		private void read() {
			try (BufferedReader lines = new BufferedReader(new InputStreamReader(this.body, StandardCharsets.UTF_8))) {
				List<String> fields = new ArrayList<>();
				for (String line = lines.readLine(); line != null; line = lines.readLine()) {
					if (!line.isEmpty()) {
						fields.add(line);
						continue;
					}
					String id = field(fields, "id:");
					if (id != null) {
						this.events.add(new Event(id, field(fields, "event:"), field(fields, "data:")));
					}
					fields.clear();
				}
			}
			catch (Exception ex) {
				// closed by the test
			}
		}

		private static String field(List<String> fields, String name) {
			return fields.stream()
				.filter(line -> line.startsWith(name))
				.map(line -> line.substring(name.length()))
				.findFirst()
				.orElse(null);
		}

		@Override
		public void close() throws Exception {
			this.body.close();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
			JacksonAutoConfiguration.class, PropertyPlaceholderAutoConfiguration.class,
			TomcatServletWebServerAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
			WebMvcAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class, HonkerAutoConfiguration.class,
			HonkerListenerAutoConfiguration.class, HonkerEventsAutoConfiguration.class })
	static class Application {

		@RestController
		static class Events {

			private final HonkerEvents events;

			Events(HonkerEvents events) {
				this.events = events;
			}

			@GetMapping("/notifications/{channel}")
			SseEmitter notifications(@PathVariable String channel,
					@RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
				return this.events.sse(channel, lastEventId);
			}

			@GetMapping("/streams/{topic}")
			SseEmitter stream(@PathVariable String topic) {
				return this.events.sseStream(topic);
			}

		}

	}

}
