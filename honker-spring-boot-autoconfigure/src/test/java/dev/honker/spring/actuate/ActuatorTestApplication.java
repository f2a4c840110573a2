package dev.honker.spring.actuate;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.honker.spring.listener.HonkerJob;
import dev.honker.spring.listener.HonkerListener;

/**
 * A web application with Actuator, Micrometer (Prometheus) and one listener on queue
 * {@code jobs}, fully auto-configured on a SQLite file, on random ports. The listener
 * fails while {@link Jobs#failing} is set and records the ids it handled.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class ActuatorTestApplication {

	/**
	 * The persistence auto-configurations of the test classpath that this app doesn't
	 * use.
	 */
	public static final String EXCLUDED = "spring.autoconfigure.exclude="
			+ "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration,"
			+ "org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration,"
			+ "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration,"
			+ "org.mybatis.spring.boot.autoconfigure.MybatisAutoConfiguration";

	static ConfigurableApplicationContext start(Path database, String... properties) {
		return new SpringApplicationBuilder(ActuatorTestApplication.class).logStartupInfo(false)
			.properties(EXCLUDED, "spring.datasource.url=jdbc:sqlite:" + database, "honker.sqlite.journal-mode=WAL",
					"honker.sqlite.busy-timeout=10s", "server.port=0", "management.server.port=0",
					"management.endpoints.web.exposure.include=health,honker,prometheus",
					"management.endpoint.health.show-details=always", "honker.stats.sample-interval=100ms")
			.properties(properties)
			.run();
	}

	@Bean
	Jobs jobs() {
		return new Jobs();
	}

	/** The listener of queue {@code jobs}. */
	public static class Jobs {

		final AtomicBoolean failing = new AtomicBoolean(true);

		final List<Long> handled = new CopyOnWriteArrayList<>();

		@HonkerListener(id = "jobs", queue = "jobs")
		void handle(String payload, HonkerJob job) {
			if (this.failing.get()) {
				throw new IllegalStateException("failing on purpose: " + payload);
			}
			this.handled.add(job.id());
		}

	}

}
