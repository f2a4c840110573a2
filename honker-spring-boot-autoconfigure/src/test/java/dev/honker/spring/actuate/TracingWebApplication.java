package dev.honker.spring.actuate;

import java.nio.file.Path;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.honker.spring.core.HonkerTemplate;

/**
 * A web application with Micrometer Tracing (Brave) whose {@code POST /orders} enqueues a
 * job on queue {@code traced} in its transaction; it keeps every finished span in memory.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class TracingWebApplication {

	static ConfigurableApplicationContext start(Path database) {
		return new SpringApplicationBuilder(TracingWebApplication.class).logStartupInfo(false)
			.properties(ActuatorTestApplication.EXCLUDED, "spring.datasource.url=jdbc:sqlite:" + database,
					"honker.sqlite.journal-mode=WAL", "honker.sqlite.busy-timeout=10s", "server.port=0",
					"management.tracing.sampling.probability=1.0")
			.run();
	}

	@Bean
	RecordedSpans recordedSpans() {
		return new RecordedSpans(false);
	}

	/** Registered as a member class of this configuration. */
	@RestController
	static class Orders {

		private final HonkerTemplate honker;

		Orders(HonkerTemplate honker) {
			this.honker = honker;
		}

		@PostMapping("/orders")
		@Transactional
		public long place(@RequestBody String order) {
			return this.honker.enqueue("traced", order);
		}

	}

}
