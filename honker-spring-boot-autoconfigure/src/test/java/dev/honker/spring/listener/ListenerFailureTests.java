package dev.honker.spring.listener;

import static dev.honker.spring.listener.HonkerTestPool.enqueue;
import static dev.honker.spring.listener.HonkerTestPool.queryLong;
import static dev.honker.spring.listener.HonkerTestPool.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Failed jobs are retried with backoff, dead-lettered when out of attempts or not
 * retryable, and rolled back.
 */
class ListenerFailureTests extends PooledDatabaseTests {

	private static final Duration LONG = Duration.ofSeconds(30);

	@Test
	void retriesWithBackoffThenDeadLettersWithTheLastError() {
		ListenerContexts.runner(this.pool).withBean(AlwaysFailing.class).run(context -> {
			AlwaysFailing listener = context.getBean(AlwaysFailing.class);
			long id = enqueue(this.pool, "flaky", "\"x\"", 3);
			await().atMost(LONG).until(() -> queryLong(this.pool, "SELECT count(*) FROM _honker_dead") == 1);
			assertThat(queryLong(this.pool, "SELECT attempts FROM _honker_dead WHERE id = ?", id)).isEqualTo(3);
			assertThat(queryString(this.pool, "SELECT last_error FROM _honker_dead WHERE id = ?", id))
				.isEqualTo("java.lang.IllegalStateException: boom on attempt 3");
			assertThat(queryLong(this.pool, "SELECT count(*) FROM _honker_live")).isZero();
			assertThat(listener.calls).extracting(Call::attempts).containsExactly(1L, 2L, 3L);
			// backoff 1s then 2s, in whole seconds: the third attempt comes at least a
			// second after the second
			assertThat(Duration.between(listener.calls.get(1).at(), listener.calls.get(2).at()))
				.isGreaterThanOrEqualTo(Duration.ofMillis(950));
		});
	}

	@Test
	void retriedJobThatSucceedsIsAcknowledged() {
		ListenerContexts.runner(this.pool).withBean(FailsOnce.class).run(context -> {
			FailsOnce listener = context.getBean(FailsOnce.class);
			enqueue(this.pool, "once", "\"x\"", 3);
			await().atMost(LONG)
				.until(() -> listener.calls.size() == 2
						&& queryLong(this.pool, "SELECT count(*) FROM _honker_live") == 0);
			assertThat(queryLong(this.pool, "SELECT count(*) FROM _honker_dead")).isZero();
		});
	}

	@Test
	void unconvertiblePayloadIsDeadAtOnceWithAClearError() {
		ListenerContexts.runner(this.pool).withBean(RecordListener.class).run(context -> {
			RecordListener listener = context.getBean(RecordListener.class);
			long bad = enqueue(this.pool, "records", "not json at all", 3);
			long wrongType = enqueue(this.pool, "records", "{\"name\":\"a\",\"size\":\"big\"}", 3);
			enqueue(this.pool, "records", "{\"name\":\"ok\",\"size\":1}", 3);
			await().atMost(LONG)
				.until(() -> listener.received.size() == 1
						&& queryLong(this.pool, "SELECT count(*) FROM _honker_dead") == 2
						&& queryLong(this.pool, "SELECT count(*) FROM _honker_live") == 0);
			assertThat(listener.received).containsExactly(new Item("ok", 1));
			assertThat(queryLong(this.pool, "SELECT attempts FROM _honker_dead WHERE id = ?", bad)).isEqualTo(1);
			assertThat(queryString(this.pool, "SELECT last_error FROM _honker_dead WHERE id = ?", bad))
				.startsWith("dev.honker.spring.listener.PayloadConversionException: payload of job " + bad
						+ " cannot be converted to " + Item.class.getName() + ": ");
			assertThat(queryString(this.pool, "SELECT last_error FROM _honker_dead WHERE id = ?", wrongType))
				.contains("cannot be converted to " + Item.class.getName())
				.contains("big");
		});
	}

	@Test
	void nonRetryableExceptionsAreDeadAtOnce() {
		ListenerContexts.runner(this.pool)
			.withBean(NonRetryable.class)
			.withPropertyValues("honker.listener.non-retryable-exceptions=java.lang.UnsupportedOperationException")
			.run(context -> {
				long byAttribute = enqueue(this.pool, "strict", "\"argument\"", 5);
				long byProperty = enqueue(this.pool, "strict", "\"unsupported\"", 5);
				await().atMost(LONG).until(() -> queryLong(this.pool, "SELECT count(*) FROM _honker_dead") == 2);
				assertThat(queryString(this.pool, "SELECT last_error FROM _honker_dead WHERE id = ?", byAttribute))
					.isEqualTo("java.lang.NumberFormatException: bad input");
				assertThat(queryString(this.pool, "SELECT last_error FROM _honker_dead WHERE id = ?", byProperty))
					.isEqualTo("java.lang.UnsupportedOperationException: not here");
				assertThat(queryLong(this.pool, "SELECT max(attempts) FROM _honker_dead")).isEqualTo(1);
				assertThat(context.getBean(NonRetryable.class).calls).hasSize(2);
			});
	}

	@Test
	void transactionalAckRollsBackTheHandlersWritesWithTheFailedAttempt() {
		ListenerContexts.runner(this.pool).withBean(TransactionalOrders.class).run(context -> {
			HonkerTestPool.execute(this.pool, "CREATE TABLE orders (id INTEGER PRIMARY KEY, job_id INTEGER NOT NULL)");
			TransactionalOrders listener = context.getBean(TransactionalOrders.class);
			long id = enqueue(this.pool, "orders", "\"order\"", 3);
			await().atMost(LONG).until(() -> queryLong(this.pool, "SELECT count(*) FROM _honker_live") == 0);
			assertThat(listener.ordersSeenAtStart).containsExactly(0L, 0L);
			assertThat(queryLong(this.pool, "SELECT count(*) FROM orders WHERE job_id = ?", id)).isEqualTo(1);
			assertThat(queryLong(this.pool, "SELECT count(*) FROM _honker_dead")).isZero();
		});
	}

	@Test
	void transactionalHandlerThatWritesThenThrowsLeavesNeitherWriteNorAck() {
		ListenerContexts.runner(this.pool).withBean(TransactionalOrders.class).run(context -> {
			HonkerTestPool.execute(this.pool, "CREATE TABLE orders (id INTEGER PRIMARY KEY, job_id INTEGER NOT NULL)");
			long id = enqueue(this.pool, "orders", "\"poison\"", 3);
			await().atMost(LONG).until(() -> queryLong(this.pool, "SELECT count(*) FROM _honker_dead") == 1);
			assertThat(queryString(this.pool, "SELECT last_error FROM _honker_dead WHERE id = ?", id))
				.isEqualTo("java.lang.IllegalArgumentException: poison order");
			assertThat(queryLong(this.pool, "SELECT count(*) FROM orders")).isZero();
			assertThat(queryLong(this.pool, "SELECT count(*) FROM _honker_live")).isZero();
		});
	}

	/** One handler call. */
	record Call(long attempts, Instant at) {
	}

	/** A record payload. */
	record Item(String name, int size) {
	}

	static class AlwaysFailing {

		final List<Call> calls = new CopyOnWriteArrayList<>();

		@HonkerListener(queue = "flaky", id = "flaky", backoffInitialInterval = "1s", backoffMultiplier = "2",
				backoffJitter = "0")
		void handle(String payload, HonkerJob job) {
			this.calls.add(new Call(job.attempts(), Instant.now()));
			throw new IllegalStateException("boom on attempt " + job.attempts());
		}

	}

	static class FailsOnce {

		final List<Call> calls = new CopyOnWriteArrayList<>();

		@HonkerListener(queue = "once", id = "once", backoffInitialInterval = "0")
		void handle(HonkerJob job) {
			this.calls.add(new Call(job.attempts(), Instant.now()));
			if (job.attempts() == 1) {
				throw new IllegalStateException("first attempt fails");
			}
		}

	}

	static class RecordListener {

		final List<Item> received = new CopyOnWriteArrayList<>();

		@HonkerListener(queue = "records", id = "records")
		void handle(Item item) {
			this.received.add(item);
		}

	}

	static class NonRetryable {

		final List<String> calls = new CopyOnWriteArrayList<>();

		@HonkerListener(queue = "strict", id = "strict", nonRetryable = IllegalArgumentException.class)
		void handle(String payload) {
			this.calls.add(payload);
			if (payload.equals("argument")) {
				throw new NumberFormatException("bad input");
			}
			throw new UnsupportedOperationException("not here");
		}

	}

	static class TransactionalOrders {

		final List<Long> ordersSeenAtStart = new CopyOnWriteArrayList<>();

		private final JdbcTemplate jdbc;

		TransactionalOrders(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@HonkerListener(queue = "orders", id = "orders", ackMode = "TRANSACTIONAL", backoffInitialInterval = "0",
				nonRetryable = IllegalArgumentException.class)
		void handle(String payload, HonkerJob job) {
			this.ordersSeenAtStart.add(this.jdbc.queryForObject("SELECT count(*) FROM orders", Long.class));
			this.jdbc.update("INSERT INTO orders (job_id) VALUES (?)", job.id());
			if (payload.equals("poison")) {
				throw new IllegalArgumentException("poison order");
			}
			if (job.attempts() == 1) {
				throw new IllegalStateException("fails after its write on the first attempt");
			}
		}

	}

}
