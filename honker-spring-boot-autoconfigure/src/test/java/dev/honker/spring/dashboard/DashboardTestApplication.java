package dev.honker.spring.dashboard;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.honker.spring.actuate.ActuatorTestApplication;
import dev.honker.spring.listener.HonkerJob;
import dev.honker.spring.listener.HonkerListener;

/**
 * A web application with the dashboard enabled at {@code /honker}, fully auto-configured
 * on a SQLite file, on a random port, with two listeners: {@code mailer} on queue
 * {@code emails} and {@code reports} on queue {@code reports}, which fails while
 * {@link Jobs#failing} is set. Both record the ids they handled.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class DashboardTestApplication {

	static ConfigurableApplicationContext start(Path database, Class<?>... more) {
		Class<?>[] sources = new Class<?>[more.length + 1];
		sources[0] = DashboardTestApplication.class;
		System.arraycopy(more, 0, sources, 1, more.length);
		return new SpringApplicationBuilder(sources).logStartupInfo(false)
			.properties(ActuatorTestApplication.EXCLUDED, "spring.datasource.url=jdbc:sqlite:" + database,
					"honker.sqlite.journal-mode=WAL", "honker.sqlite.busy-timeout=10s", "server.port=0",
					"server.address=127.0.0.1", "honker.dashboard.enabled=true",
					"honker.dashboard.update-interval=200ms", "honker.listener.backoff.initial-interval=1s")
			.run();
	}

	@Bean
	Jobs jobs() {
		return new Jobs();
	}

	/** The listeners. */
	public static class Jobs {

		final AtomicBoolean failing = new AtomicBoolean(true);

		final List<Long> mailed = new CopyOnWriteArrayList<>();

		final List<Long> reported = new CopyOnWriteArrayList<>();

		@HonkerListener(id = "mailer", queue = "emails")
		void mail(String payload, HonkerJob job) {
			this.mailed.add(job.id());
		}

		@HonkerListener(id = "reports", queue = "reports")
		void report(String payload, HonkerJob job) {
			if (this.failing.get()) {
				throw new IllegalStateException("report generator is down: " + payload);
			}
			this.reported.add(job.id());
		}

	}

}
