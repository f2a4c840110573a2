package dev.honker.spring.listener;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.honker.spring.boot.autoconfigure.HonkerAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.HonkerListenerAutoConfiguration;
import tools.jackson.databind.JsonNode;

/**
 * A worker application in its own JVM, configured the way an application is (a Boot
 * DataSource on {@code jdbc:sqlite:<worker.db>} with the starter's auto-configuration),
 * with one {@code @HonkerListener} on {@code worker.queue}. {@code worker.mode} picks
 * what the handler does: {@code print} prints
 * {@code handled <job id> <System.nanoTime()>} as its first action, {@code block} records
 * the job in table {@code started} and then never returns, {@code effect} inserts
 * {@code (job_id, attempt, pid)} into table {@code effects} (in the acknowledgement's
 * transaction with {@code --honker.listener.ack-mode=TRANSACTIONAL}), {@code noop} does
 * nothing. With {@code --worker.stats-interval=10s} it also prints its heap after GC (see
 * {@link #printHeapAfterGc}). Other arguments are Spring properties, e.g.
 * {@code --honker.listener.visibility-timeout=2s}.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
		JdbcTemplateAutoConfiguration.class, JacksonAutoConfiguration.class, PropertyPlaceholderAutoConfiguration.class,
		HonkerAutoConfiguration.class, HonkerListenerAutoConfiguration.class })
public class WorkerMain {

	/**
	 * Starts the worker; it runs until killed, kept alive by its listener container's
	 * thread (or, with {@code --worker.keep-alive=true}, by the main thread, for an
	 * application without listeners).
	 */
	public static void main(String[] args) throws InterruptedException {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(WorkerMain.class)
			.web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.properties("spring.datasource.url=jdbc:sqlite:${worker.db}", "honker.sqlite.journal-mode=WAL",
					"honker.sqlite.busy-timeout=10s")
			.run(args);
		System.out.println("worker ready " + ProcessHandle.current().pid());
		Duration statsInterval = context.getEnvironment().getProperty("worker.stats-interval", Duration.class);
		if (statsInterval != null) {
			printHeapAfterGc(statsInterval);
		}
		if (context.getEnvironment().getProperty("worker.keep-alive", Boolean.class, false)) {
			Thread.currentThread().join();
		}
	}

	/**
	 * Prints {@code heap-after-gc <bytes>} every {@code interval}: the heap in use after
	 * the last collection of each pool, summed.
	 */
	private static void printHeapAfterGc(Duration interval) {
		Thread printer = new Thread(() -> {
			while (true) {
				LockSupport.parkNanos(interval.toNanos());
				long bytes = ManagementFactory.getMemoryPoolMXBeans()
					.stream()
					.filter(pool -> pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null)
					.mapToLong(pool -> pool.getCollectionUsage().getUsed())
					.sum();
				System.out.println("heap-after-gc " + bytes);
			}
		}, "heap-after-gc");
		printer.setDaemon(true);
		printer.start();
	}

	@Bean
	Handler handler(@Value("${worker.mode}") String mode, JdbcTemplate jdbc) {
		return new Handler(mode, jdbc);
	}

	/** The worker's listener. */
	static class Handler {

		private final String mode;

		private final JdbcTemplate jdbc;

		Handler(String mode, JdbcTemplate jdbc) {
			this.mode = mode;
			this.jdbc = jdbc;
		}

		@HonkerListener(queue = "${worker.queue}", id = "worker")
		void handle(JsonNode payload, HonkerJob job) {
			long now = System.nanoTime();
			switch (this.mode) {
				case "print" -> System.out.println("handled " + job.id() + " " + now);
				case "block" -> {
					this.jdbc.update("INSERT INTO started (job_id, pid) VALUES (?, ?)", job.id(),
							ProcessHandle.current().pid());
					while (true) {
						LockSupport.park(this);
					}
				}
				case "effect" -> this.jdbc.update("INSERT INTO effects (job_id, attempt, pid) VALUES (?, ?, ?)",
						job.id(), job.attempts(), ProcessHandle.current().pid());
				default -> {
				}
			}
		}

	}

}
