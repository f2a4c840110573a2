package dev.honker.spring.stream;

import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.honker.spring.boot.autoconfigure.HonkerAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.HonkerListenerAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.HonkerPubSubAutoConfiguration;
import dev.honker.spring.core.StreamEvent;

/**
 * A worker application in its own JVM, configured as an application is (a Boot DataSource
 * on {@code jdbc:sqlite:<worker.db>} with the starter's auto-configuration), with one
 * {@code @HonkerStreamListener} on topic {@code orders} as consumer
 * {@code worker.consumer}. For each event the handler inserts {@code (offset, pid)} into
 * table {@code consumed}, waits {@code worker.delay-ms}, and throws if the offset is
 * {@code worker.fail-at}. Other arguments are Spring properties, e.g.
 * {@code --honker.stream.offset-mode=TRANSACTIONAL}. It prints {@code worker ready <pid>}
 * once started and runs until killed.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
		JdbcTemplateAutoConfiguration.class, JacksonAutoConfiguration.class, PropertyPlaceholderAutoConfiguration.class,
		HonkerAutoConfiguration.class, HonkerListenerAutoConfiguration.class, HonkerPubSubAutoConfiguration.class })
public class StreamWorkerMain {

	/** Starts the worker; its consumer's thread keeps it alive. */
	public static void main(String[] args) {
		new SpringApplicationBuilder(StreamWorkerMain.class).web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.properties("spring.datasource.url=jdbc:sqlite:${worker.db}", "honker.sqlite.journal-mode=WAL",
					"honker.sqlite.busy-timeout=10s", "honker.stream.lock-ttl=2s", "honker.stream.batch-size=10",
					"honker.listener.backoff.initial-interval=0s")
			.run(args);
		System.out.println("worker ready " + ProcessHandle.current().pid());
	}

	@Bean
	Consumer consumer(JdbcTemplate jdbc, @Value("${worker.delay-ms:0}") long delayMillis,
			@Value("${worker.fail-at:-1}") long failAt) {
		return new Consumer(jdbc, delayMillis, failAt);
	}

	/** The worker's consumer. */
	static class Consumer {

		private final JdbcTemplate jdbc;

		private final long delayMillis;

		private final long failAt;

		Consumer(JdbcTemplate jdbc, long delayMillis, long failAt) {
			this.jdbc = jdbc;
			this.delayMillis = delayMillis;
			this.failAt = failAt;
		}

		@HonkerStreamListener(topic = "orders", consumer = "${worker.consumer}", id = "worker")
		void handle(StreamEvent event) throws InterruptedException {
			this.jdbc.update("INSERT INTO consumed (event, pid) VALUES (?, ?)", event.offset(),
					ProcessHandle.current().pid());
			if (event.offset() == this.failAt) {
				throw new IllegalStateException("handler fails at " + event.offset() + " after its write");
			}
			TimeUnit.MILLISECONDS.sleep(this.delayMillis);
		}

	}

}
