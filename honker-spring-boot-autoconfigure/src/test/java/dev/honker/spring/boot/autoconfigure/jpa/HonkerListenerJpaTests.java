package dev.honker.spring.boot.autoconfigure.jpa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.honker.spring.boot.autoconfigure.HonkerListenerAutoConfiguration;
import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.listener.HonkerJob;
import dev.honker.spring.listener.HonkerListener;

/**
 * With {@code ackMode = TRANSACTIONAL} under {@code JpaTransactionManager}, a listener's
 * repository writes and the job's acknowledgement commit together: a failed attempt
 * leaves neither behind.
 */
class HonkerListenerJpaTests {

	private static final Duration LONG = Duration.ofSeconds(30);

	@TempDir
	Path directory;

	@Test
	void repositoryWritesOfAFailedAttemptRollBackWithItsAcknowledgement() {
		runner().run(context -> {
			OrderFromJob listener = context.getBean(OrderFromJob.class);
			long id = context.getBean(HonkerTemplate.class).enqueue("jpa-orders", "book");
			await().atMost(LONG).until(() -> count(context, "SELECT count(*) FROM _honker_live") == 0);
			assertThat(listener.ordersAtStart).containsExactly(0L, 0L);
			assertThat(count(context, "SELECT count(*) FROM orders WHERE item = 'book from job " + id + "'"))
				.isEqualTo(1);
			assertThat(count(context, "SELECT count(*) FROM _honker_dead")).isZero();
		});
	}

	@Test
	void nonRetryableFailureLeavesNoOrderAndADeadJob() {
		runner().run(context -> {
			long id = context.getBean(HonkerTemplate.class).enqueue("jpa-orders", "poison");
			await().atMost(LONG).until(() -> count(context, "SELECT count(*) FROM _honker_dead WHERE id = " + id) == 1);
			assertThat(count(context, "SELECT count(*) FROM orders")).isZero();
			assertThat(count(context, "SELECT count(*) FROM _honker_live")).isZero();
		});
	}

	private ApplicationContextRunner runner() {
		return JpaTestApplication.runner("jdbc:sqlite:" + this.directory.resolve("shop.db"))
			.withConfiguration(AutoConfigurations.of(HonkerListenerAutoConfiguration.class))
			.withBean(OrderFromJob.class);
	}

	private static long count(AssertableApplicationContext context, String sql) {
		return new JdbcTemplate(context.getBean(DataSource.class)).queryForObject(sql, Long.class);
	}

	static class OrderFromJob {

		final List<Long> ordersAtStart = new CopyOnWriteArrayList<>();

		private final OrderRepository orders;

		OrderFromJob(OrderRepository orders) {
			this.orders = orders;
		}

		@HonkerListener(queue = "jpa-orders", ackMode = "TRANSACTIONAL", backoffInitialInterval = "0",
				nonRetryable = IllegalArgumentException.class)
		void handle(String item, HonkerJob job) {
			this.ordersAtStart.add(this.orders.count());
			this.orders.save(new Order(item + " from job " + job.id()));
			if (item.equals("poison")) {
				throw new IllegalArgumentException("poison order");
			}
			if (job.attempts() == 1) {
				throw new IllegalStateException("the first attempt fails after its save");
			}
		}

	}

}
