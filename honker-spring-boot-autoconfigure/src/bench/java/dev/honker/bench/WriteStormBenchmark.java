package dev.honker.bench;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

import dev.honker.spring.boot.autoconfigure.HonkerAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.HonkerListenerAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.WriteStorm;
import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.listener.HonkerJob;
import dev.honker.spring.listener.HonkerListener;

/**
 * The write storm: for {@code -Dstorm.seconds} (60) seconds, 8 producer threads place
 * orders (an order row and its job in one {@code @Transactional} method) as fast as they
 * can, while a {@code @HonkerListener} of 4 handler threads in TRANSACTIONAL mode records
 * each order it handles in table {@code handled}; once with
 * {@code transaction_mode=IMMEDIATE}, once with DEFERRED (sqlite-jdbc's default), both
 * with the quickstart's WAL, {@code synchronous=NORMAL} and a 5 s busy timeout. Then
 * every reported failure is checked against the database: prints commits, failures by
 * exception type, false failures (reported failed, yet committed), lost orders (reported
 * committed, yet absent), orders without exactly one job (live, dead or handled), and the
 * WAL size at the end.
 */
public final class WriteStormBenchmark {

	private static final int PRODUCERS = 8;

	private WriteStormBenchmark() {
	}

	/** Runs the benchmark. */
	public static void main(String[] args) throws Exception {
		long seconds = Long.getLong("storm.seconds", 60);
		Path directory = Files.createTempDirectory("honker-storm");
		System.out.printf("write storm: %d producer threads, 4 handler threads (TRANSACTIONAL), %d s per mode%n",
				PRODUCERS, seconds);
		for (String mode : new String[] { "IMMEDIATE", "DEFERRED" }) {
			storm(directory.resolve("storm-" + mode + ".db"), mode, Duration.ofSeconds(seconds));
		}
	}

	private static void storm(Path file, String mode, Duration duration) throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(StormApplication.class)
			.web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.properties("spring.datasource.url=jdbc:sqlite:" + file,
					"spring.datasource.hikari.data-source-properties.journal_mode=WAL",
					"spring.datasource.hikari.data-source-properties.synchronous=NORMAL",
					"spring.datasource.hikari.data-source-properties.busy_timeout=5000",
					"spring.datasource.hikari.data-source-properties.transaction_mode=" + mode,
					"spring.datasource.hikari.maximum-pool-size=16", "logging.level.root=ERROR")
			.run()) {
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			Orders orders = context.getBean(Orders.class);
			long end = System.nanoTime() + duration.toNanos();
			WriteStorm.Report report = WriteStorm.run(PRODUCERS, () -> System.nanoTime() - end < 0, orders::place);
			await().atMost(Duration.ofMinutes(5))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> jdbc.queryForObject("SELECT count(*) FROM _honker_live", Long.class) == 0);
			WriteStorm.Verdict verdict = report.check(jdbc, "orders", "handled");
			long walBytes = Files.exists(Path.of(file + "-wal")) ? Files.size(Path.of(file + "-wal")) : 0;
			System.out.printf("%s: %,d committed (%,.0f/s), %,d reported failed %s%n", mode,
					report.succeeded().size(), report.succeeded().size() / (double) duration.toSeconds(),
					report.failed().size(), report.errorsByType());
			System.out.printf("%s: %s; %,d handled; WAL at the end %.1f MB%n", mode, verdict,
					jdbc.queryForObject("SELECT count(*) FROM handled", Long.class), walBytes / 1e6);
		}
	}

	/** The storm's application: the order service and the worker. */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
			TransactionAutoConfiguration.class, JdbcTemplateAutoConfiguration.class, JacksonAutoConfiguration.class,
			PropertyPlaceholderAutoConfiguration.class, HonkerAutoConfiguration.class,
			HonkerListenerAutoConfiguration.class })
	static class StormApplication {

		@Bean
		Orders orders(JdbcTemplate jdbc, HonkerTemplate honker) {
			jdbc.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT NOT NULL)");
			jdbc.execute("CREATE TABLE handled (order_id INTEGER PRIMARY KEY)");
			return new Orders(jdbc, honker);
		}

		@Bean
		Worker worker(JdbcTemplate jdbc) {
			return new Worker(jdbc);
		}

	}

	/** Places an order and its job in one transaction. */
	static class Orders {

		private final JdbcTemplate jdbc;

		private final HonkerTemplate honker;

		Orders(JdbcTemplate jdbc, HonkerTemplate honker) {
			this.jdbc = jdbc;
			this.honker = honker;
		}

		@Transactional
		public void place(String item) {
			long id = this.jdbc.queryForObject("INSERT INTO orders (item) VALUES (?) RETURNING id", Long.class, item);
			this.honker.enqueue("orders", Map.of("orderId", id));
		}

	}

	/** Records each handled order in the acknowledgement's transaction. */
	static class Worker {

		private final JdbcTemplate jdbc;

		Worker(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@HonkerListener(queue = "orders", id = "orders", concurrency = "4", ackMode = "TRANSACTIONAL")
		void handle(Map<String, Long> order, HonkerJob job) {
			this.jdbc.update("INSERT INTO handled (order_id) VALUES (?)", order.get("orderId"));
		}

	}

}
