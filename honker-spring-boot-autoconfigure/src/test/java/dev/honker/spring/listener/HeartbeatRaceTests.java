package dev.honker.spring.listener;

import static dev.honker.spring.listener.HonkerTestPool.queryLong;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.honker.spring.boot.autoconfigure.LogCapture;

/**
 * A heartbeat that waits for the write lock while a TRANSACTIONAL handler holds it, and
 * then finds the job acknowledged by the handler's commit, is not a lost claim: no "lost
 * its claim" warning for a job that ran once and was acknowledged.
 */
class HeartbeatRaceTests extends PooledDatabaseTests {

	@Test
	void aHeartbeatAfterTheHandlersOwnAcknowledgementDoesNotWarn() throws Exception {
		HonkerTestPool.execute(this.pool, "CREATE TABLE effects (job_id INTEGER NOT NULL)");
		try (LogCapture log = LogCapture.of(ClaimLoop.class)) {
			ListenerContexts.runner(this.pool).withBean(SlowWriter.class).run(context -> {
				long id = HonkerTestPool.enqueue(this.pool, "slow", "\"x\"", 3);
				await().atMost(Duration.ofSeconds(60))
					.until(() -> queryLong(this.pool, "SELECT count(*) FROM _honker_live") == 0);
				// the heartbeat that waited on the handler's lock has had its answer
				await().atMost(Duration.ofSeconds(10))
					.until(() -> log.messages(Level.DEBUG)
						.stream()
						.anyMatch(message -> message.contains("settled after its handler returned")));
				assertThat(queryLong(this.pool, "SELECT count(*) FROM effects WHERE job_id = ?", id)).isOne();
			});
			assertThat(log.messages(Level.WARN)).isEmpty();
		}
	}

	static class SlowWriter {

		private final JdbcTemplate jdbc;

		SlowWriter(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		/**
		 * Takes the write lock with its first write, then returns (and commits) only once
		 * the listener's first heartbeat (due after 2 s of a 6 s visibility timeout) is
		 * waiting for that lock.
		 */
		@HonkerListener(queue = "slow", id = "slow", ackMode = "TRANSACTIONAL", visibilityTimeout = "6s")
		void handle(String payload, HonkerJob job) {
			this.jdbc.update("INSERT INTO effects (job_id) VALUES (?)", job.id());
			await().atMost(Duration.ofSeconds(30)).until(SlowWriter::heartbeatInProgress);
		}

		private static boolean heartbeatInProgress() {
			return Thread.getAllStackTraces()
				.entrySet()
				.stream()
				.filter(entry -> entry.getKey().getName().startsWith("honker-slow-heartbeat-"))
				.flatMap(entry -> Stream.of(entry.getValue()))
				.anyMatch(frame -> frame.getClassName().equals(JobStore.class.getName())
						&& frame.getMethodName().equals("heartbeat"));
		}

	}

}
