package dev.honker.spring.listener;

import static dev.honker.spring.listener.HonkerTestPool.queryLong;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/**
 * A listener claims ahead of its handler threads when its handlers are fast, and never
 * when they are slow; every job runs once and is acknowledged either way.
 */
class ClaimAheadTests extends PooledDatabaseTests {

	private static final Duration LONG = Duration.ofSeconds(60);

	@Test
	void fastHandlersGetJobsClaimedAheadAndEveryJobRunsOnce() throws Exception {
		ListenerContexts.runner(this.pool).withBean(FastListener.class).run(context -> {
			FastListener listener = context.getBean(FastListener.class);
			enqueueMany(this.pool, "fast", 2_000);
			await().atMost(LONG).until(() -> listener.handled.size() == 2_000);
			assertThat(listener.handled).doesNotHaveDuplicates();
			assertThat(listener.maxClaimed()).as("jobs claimed at once by a listener of concurrency 2")
				.isGreaterThan(2);
			await().atMost(LONG).until(() -> queryLong(this.pool, "SELECT count(*) FROM _honker_live") == 0);
			assertThat(queryLong(this.pool, "SELECT count(*) FROM _honker_dead")).isZero();
		});
	}

	@Test
	void slowHandlersNeverHoldMoreJobsThanThreads() throws Exception {
		ListenerContexts.runner(this.pool).withBean(SlowListener.class).run(context -> {
			SlowListener listener = context.getBean(SlowListener.class);
			enqueueMany(this.pool, "slow", 12);
			await().atMost(LONG).until(() -> listener.claimed.size() == 12);
			assertThat(listener.claimed).as("jobs claimed while each handler ran").allMatch(count -> count == 1);
			await().atMost(LONG).until(() -> queryLong(this.pool, "SELECT count(*) FROM _honker_live") == 0);
		});
	}

	private static void enqueueMany(DataSource dataSource, String queue, int count) throws Exception {
		try (Connection connection = dataSource.getConnection();
				Statement statement = connection.createStatement();
				PreparedStatement enqueue = connection
					.prepareStatement("SELECT honker_enqueue(?, ?, NULL, NULL, 0, 3, NULL)")) {
			statement.execute("BEGIN IMMEDIATE");
			for (int i = 0; i < count; i++) {
				enqueue.setString(1, queue);
				enqueue.setString(2, Integer.toString(i));
				enqueue.executeQuery().close();
			}
			statement.execute("COMMIT");
		}
	}

	static class FastListener {

		final List<Long> handled = new CopyOnWriteArrayList<>();

		final List<Long> claimed = new CopyOnWriteArrayList<>();

		private final DataSource dataSource;

		FastListener(DataSource dataSource) {
			this.dataSource = dataSource;
		}

		@HonkerListener(queue = "fast", concurrency = "2")
		void handle(JsonNode payload, HonkerJob job) throws Exception {
			if (this.handled.size() % 100 == 50) {
				this.claimed.add(queryLong(this.dataSource,
						"SELECT count(*) FROM _honker_live WHERE queue = 'fast' AND state = 'processing'"));
			}
			this.handled.add(job.id());
		}

		long maxClaimed() {
			return this.claimed.stream().mapToLong(Long::longValue).max().orElse(0);
		}

	}

	static class SlowListener {

		final List<Long> claimed = new CopyOnWriteArrayList<>();

		private final DataSource dataSource;

		SlowListener(DataSource dataSource) {
			this.dataSource = dataSource;
		}

		@HonkerListener(queue = "slow", concurrency = "1")
		void handle(JsonNode payload) throws Exception {
			this.claimed.add(queryLong(this.dataSource,
					"SELECT count(*) FROM _honker_live WHERE queue = 'slow' AND state = 'processing'"));
			// The handler's own work, 20 ms: four times the claim-ahead horizon.
			LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
		}

	}

}
