package dev.honker.spring.actuate;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.honker.spring.listener.HonkerJob;
import dev.honker.spring.listener.HonkerListener;

/**
 * A worker application in its own JVM with Micrometer Tracing (Brave) and one listener on
 * queue {@code traced}; prints each finished span, and {@code handled <job id>} from the
 * handler. Arguments: {@code --worker.db=<file>}.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class TracingWorkerMain {

	public static void main(String[] args) {
		new SpringApplicationBuilder(TracingWorkerMain.class).web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.properties(ActuatorTestApplication.EXCLUDED, "spring.datasource.url=jdbc:sqlite:${worker.db}",
					"honker.sqlite.journal-mode=WAL", "honker.sqlite.busy-timeout=10s",
					"management.tracing.sampling.probability=1.0", "logging.level.root=WARN")
			.run(args);
		System.out.println("worker ready");
	}

	@Bean
	RecordedSpans recordedSpans() {
		return new RecordedSpans(true);
	}

	@Bean
	Handler handler() {
		return new Handler();
	}

	static class Handler {

		@HonkerListener(id = "traced", queue = "traced")
		void handle(String payload, HonkerJob job) {
			System.out.println("handled " + job.id());
		}

	}

}
