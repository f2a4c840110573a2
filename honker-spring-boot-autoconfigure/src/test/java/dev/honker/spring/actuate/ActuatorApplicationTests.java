package dev.honker.spring.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Base of the tests that run {@link ActuatorTestApplication} on a fresh database file and
 * talk to its management port over HTTP; the application is closed after each test.
 */
abstract class ActuatorApplicationTests {

	static final Duration LONG = Duration.ofSeconds(30);

	@TempDir
	Path dir;

	ConfigurableApplicationContext context;

	private final HttpClient http = HttpClient.newHttpClient();

	@AfterEach
	void closeApplication() {
		if (this.context != null) {
			this.context.close();
		}
	}

	/** Starts the application on {@code app.db} in {@link #dir}. */
	void start(String... properties) {
		this.context = ActuatorTestApplication.start(this.dir.resolve("app.db"), properties);
	}

	/** A request to {@code /actuator<path>} on the management port. */
	HttpRequest.Builder request(String path) {
		String port = this.context.getEnvironment().getProperty("local.management.port");
		return HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator" + path));
	}

	HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
