package dev.honker.spring.listener;

import static dev.honker.spring.listener.HonkerTestPool.enqueue;
import static dev.honker.spring.listener.HonkerTestPool.queryLong;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;

import dev.honker.spring.boot.autoconfigure.LogCapture;

/**
 * Rows whose times lie outside what Honker stores (written by another binding, or by
 * Honker 0.4, whose arithmetic overflows into REAL values) never make the claim loop
 * throw: a pending row far in the future only sets no deadline, and a claimable row with
 * an extreme {@code run_at} reaches its handler with the time clamped.
 */
class OutOfRangeTimesTests extends PooledDatabaseTests {

	@Test
	void extremeRowsNeitherStopNorFloodTheListener() throws Exception {
		HonkerTestPool.execute(this.pool, "INSERT INTO _honker_live (queue, payload, run_at) VALUES"
				+ " ('times', '\"overflowed\"', 9.3e18), ('times', '\"ancient\"', -9.3e18)");
		try (LogCapture log = LogCapture.of(ClaimLoop.class)) {
			ListenerContexts.runner(this.pool)
				.withBean(TimesListener.class)
				.withPropertyValues("honker.listener.idle-poll-interval=100ms")
				.run(context -> {
					TimesListener listener = context.getBean(TimesListener.class);
					await().atMost(Duration.ofSeconds(30)).until(() -> listener.runAts.size() == 1);
					enqueue(this.pool, "times", "\"normal\"", 3);
					await().atMost(Duration.ofSeconds(30)).until(() -> listener.payloads.size() == 2);
					await().pollDelay(Duration.ofMillis(500))
						.atMost(Duration.ofSeconds(5))
						.until(() -> queryLong(this.pool, "SELECT count(*) FROM _honker_live") == 1);

					assertThat(listener.payloads).containsExactly("ancient", "normal");
					assertThat(listener.runAts.get(0)).isEqualTo(Instant.parse("0001-01-01T00:00:00Z"));
					assertThat(
							queryLong(this.pool, "SELECT count(*) FROM _honker_live WHERE payload = '\"overflowed\"'"))
						.isOne();
				});
			assertThat(log.messages(Level.WARN)).isEmpty();
			assertThat(log.messages(Level.ERROR)).isEmpty();
		}
	}

	static class TimesListener {

		final List<String> payloads = new CopyOnWriteArrayList<>();

		final List<Instant> runAts = new CopyOnWriteArrayList<>();

		@HonkerListener(queue = "times", id = "times")
		void handle(String payload, HonkerJob job) {
			this.payloads.add(payload);
			this.runAts.add(job.runAt());
		}

	}

}
