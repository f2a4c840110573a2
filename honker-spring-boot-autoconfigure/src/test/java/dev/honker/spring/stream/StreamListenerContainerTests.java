package dev.honker.spring.stream;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.core.StreamEvent;
import dev.honker.spring.listener.PooledDatabaseTests;
import dev.honker.spring.listener.RetryBackoff;
import dev.honker.spring.watch.DatabaseWatcher;
import dev.honker.spring.watch.SqliteDatabaseWatcher;
import dev.honker.spring.watch.WatcherOptions;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * {@link StreamListenerContainer} on a real database file, woken by the real commit
 * watcher; the fallback poll is an hour, so only wakes deliver.
 */
class StreamListenerContainerTests extends PooledDatabaseTests {

	private static final RetryBackoff FAST = new RetryBackoff(Duration.ofMillis(10), 2.0, Duration.ofMillis(50), 0);

	HonkerTemplate honker;

	JdbcTemplate jdbc;

	TransactionTemplate transaction;

	DatabaseWatcher watcher;

	final List<StreamEvent> received = new CopyOnWriteArrayList<>();

	@BeforeEach
	void open() {
		this.honker = new HonkerTemplate(this.pool, JsonMapper.shared());
		this.jdbc = new JdbcTemplate(this.pool);
		this.transaction = new TransactionTemplate(new DataSourceTransactionManager(this.pool));
		this.watcher = new SqliteDatabaseWatcher(this.file, WatcherOptions.DEFAULTS);
	}

	static StreamConsumerSettings settings(String id, StreamStartPosition start, StreamOffsetMode mode, int batchSize,
			int maxAttempts, StreamFailureAction action) {
		return new StreamConsumerSettings(id, "orders", "billing", start, mode, batchSize, maxAttempts, FAST, action,
				Duration.ofSeconds(2), Duration.ofHours(1), true);
	}

	private StreamListenerContainer container(StreamConsumerSettings settings, StreamEventHandler handler) {
		return new StreamListenerContainer(settings, "a test handler", handler, this.honker, this.transaction,
				new SkippedEvents(this.jdbc), this.watcher);
	}

	private StreamListenerContainer container(StreamStartPosition start, StreamEventHandler handler) {
		return container(settings("test", start, StreamOffsetMode.AFTER_BATCH, 3, 3, StreamFailureAction.STOP),
				handler);
	}

	private void publish(int count) {
		for (int i = 0; i < count; i++) {
			this.honker.publish("orders", "k" + i, Map.of("n", i));
			this.honker.publish("other", null, i);
		}
	}

	private List<Long> offsets(String topic) {
		return this.honker.readSince(topic, 0, 1000).stream().map(StreamEvent::offset).toList();
	}

	@Test
	void fromEarliestDeliversEveryEventInOrderAndSavesTheOffset() {
		publish(7);
		StreamListenerContainer container = container(StreamStartPosition.earliest(), this.received::add);
		container.start();
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> this.received.size() == 7);
			publish(2);
			await().atMost(Duration.ofSeconds(10)).until(() -> this.received.size() == 9);
			assertThat(this.received).extracting(StreamEvent::offset).containsExactlyElementsOf(offsets("orders"));
			assertThat(this.received).extracting(StreamEvent::topic).containsOnly("orders");
			assertThat(this.received.get(0).key()).isEqualTo("k0");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> this.honker.offset("billing", "orders") == this.received.get(8).offset());
			assertThat(container.isConsuming()).isTrue();
		}
		finally {
			container.stop();
		}
		assertThat(this.honker.tryLock("honker-stream-consumer:billing:orders", "someone else", Duration.ofSeconds(5)))
			.as("the lock was released on stop")
			.isTrue();
	}

	@Test
	void resumesAfterTheSavedOffsetWhateverTheStartPosition() {
		publish(5);
		List<Long> all = offsets("orders");
		this.honker.saveOffset("billing", "orders", all.get(2));
		StreamListenerContainer container = container(StreamStartPosition.latest(), this.received::add);
		container.start();
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> this.received.size() == 2);
			assertThat(this.received).extracting(StreamEvent::offset).containsExactlyElementsOf(all.subList(3, 5));
		}
		finally {
			container.stop();
		}
	}

	@Test
	void latestSkipsEarlierEventsAndKeepsItsPlaceAcrossRestarts() {
		publish(3);
		long latest = this.honker.lastOffset("orders");
		StreamListenerContainer container = container(StreamStartPosition.latest(), this.received::add);
		container.start();
		await().atMost(Duration.ofSeconds(10)).until(container::isConsuming);
		container.stop();
		assertThat(this.honker.offset("billing", "orders")).isEqualTo(latest);
		publish(2);
		container.start();
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> this.received.size() == 2);
			assertThat(this.received).extracting(StreamEvent::offset).allMatch(offset -> offset > latest);
		}
		finally {
			container.stop();
		}
	}

	@Test
	void anExplicitStartOffsetDeliversTheEventsAfterIt() {
		publish(4);
		List<Long> all = offsets("orders");
		StreamListenerContainer container = container(StreamStartPosition.afterOffset(all.get(1)), this.received::add);
		container.start();
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> this.received.size() == 2);
			assertThat(this.received).extracting(StreamEvent::offset).containsExactlyElementsOf(all.subList(2, 4));
		}
		finally {
			container.stop();
		}
	}

	@Test
	void retriesTheSameEventWithBackoffBeforeGoingOn() {
		publish(3);
		long second = offsets("orders").get(1);
		AtomicInteger failures = new AtomicInteger();
		StreamListenerContainer container = container(StreamStartPosition.earliest(), event -> {
			if (event.offset() == second && failures.getAndIncrement() < 2) {
				throw new IllegalStateException("not yet");
			}
			this.received.add(event);
		});
		container.start();
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> this.received.size() == 3);
			assertThat(failures).hasValue(3);
			assertThat(this.received).extracting(StreamEvent::offset).containsExactlyElementsOf(offsets("orders"));
		}
		finally {
			container.stop();
		}
	}

	@Test
	void stopsAndReportsAnEventThatStillFailsKeepingTheOffsetBeforeIt() {
		publish(4);
		List<Long> all = offsets("orders");
		AtomicInteger attempts = new AtomicInteger();
		StreamListenerContainer container = container(StreamStartPosition.earliest(), event -> {
			if (event.offset() == all.get(2)) {
				attempts.incrementAndGet();
				throw new IllegalStateException("broken event");
			}
			this.received.add(event);
		});
		container.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> !container.isRunning());
		assertThat(attempts).hasValue(3);
		assertThat(this.received).extracting(StreamEvent::offset).containsExactlyElementsOf(all.subList(0, 2));
		assertThat(this.honker.offset("billing", "orders")).isEqualTo(all.get(1));
		assertThat(container.getFailure()).get()
			.isInstanceOf(StreamConsumerFailedException.class)
			.satisfies(failure -> assertThat(failure.getMessage()).contains("'billing'")
				.contains("event " + all.get(2))
				.contains("'orders'")
				.contains("after 3 failed attempt(s)"))
			.extracting(Throwable::getCause)
			.satisfies(cause -> assertThat(cause).hasMessage("broken event"));
	}

	@Test
	void skipRecordsTheEventInItsOwnTableAndGoesOn() {
		publish(3);
		List<Long> all = offsets("orders");
		StreamListenerContainer container = container(settings("test", StreamStartPosition.earliest(),
				StreamOffsetMode.AFTER_BATCH, 10, 2, StreamFailureAction.SKIP), event -> {
					if (event.offset() == all.get(1)) {
						throw new IllegalStateException("broken event");
					}
					this.received.add(event);
				});
		container.start();
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> this.honker.offset("billing", "orders") == all.get(2));
			assertThat(this.received).extracting(StreamEvent::offset).containsExactly(all.get(0), all.get(2));
			Map<String, Object> skipped = this.jdbc.queryForMap("SELECT * FROM honker_stream_skipped");
			assertThat(skipped).containsEntry("consumer", "billing")
				.containsEntry("topic", "orders")
				.containsEntry("offset", all.get(1).intValue())
				.containsEntry("key", "k1")
				.containsEntry("payload", "{\"n\":1}")
				.containsEntry("error", "java.lang.IllegalStateException: broken event");
		}
		finally {
			container.stop();
		}
	}

	@Test
	void transactionalModeRollsBackTheHandlersWriteAndTheOffsetTogether() {
		this.jdbc.execute("CREATE TABLE effects (event INTEGER PRIMARY KEY)");
		publish(3);
		List<Long> all = offsets("orders");
		StreamListenerContainer container = container(settings("test", StreamStartPosition.earliest(),
				StreamOffsetMode.TRANSACTIONAL, 10, 2, StreamFailureAction.STOP), event -> {
					this.jdbc.update("INSERT INTO effects (event) VALUES (?)", event.offset());
					if (event.offset() == all.get(1)) {
						throw new IllegalStateException("after the write");
					}
				});
		container.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> !container.isRunning());
		assertThat(this.jdbc.queryForList("SELECT event FROM effects", Long.class)).containsExactly(all.get(0));
		assertThat(this.honker.offset("billing", "orders")).isEqualTo(all.get(0));
		assertThat(container.getFailure()).get().isInstanceOf(StreamConsumerFailedException.class);
	}

	@Test
	void twoContainersWithOneConsumerNameTakeTurnsAndHandleEachEventOnce() {
		Map<Long, Integer> handled = new ConcurrentHashMap<>();
		StreamEventHandler counting = event -> handled.merge(event.offset(), 1, Integer::sum);
		StreamListenerContainer first = container(settings("first", StreamStartPosition.earliest(),
				StreamOffsetMode.AFTER_BATCH, 5, 3, StreamFailureAction.STOP), counting);
		StreamListenerContainer second = container(settings("second", StreamStartPosition.earliest(),
				StreamOffsetMode.AFTER_BATCH, 5, 3, StreamFailureAction.STOP), counting);
		first.start();
		await().atMost(Duration.ofSeconds(10)).until(first::isConsuming);
		second.start();
		try {
			publish(20);
			await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 20);
			assertThat(second.isConsuming()).isFalse();
			first.stop();
			await().atMost(Duration.ofSeconds(10)).until(second::isConsuming);
			publish(20);
			await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 40);
			assertThat(handled.values()).containsOnly(1);
			assertThat(handled.keySet()).containsExactlyInAnyOrderElementsOf(offsets("orders"));
		}
		finally {
			first.stop();
			second.stop();
		}
	}

	@Test
	void settingsRejectBadValuesNamingThem() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new StreamConsumerSettings("l", "", "c", StreamStartPosition.earliest(),
					StreamOffsetMode.AFTER_BATCH, 1, 1, FAST, StreamFailureAction.STOP, Duration.ofSeconds(1),
					Duration.ofSeconds(1), true))
			.withMessage("topic must not be empty, got '' for l");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new StreamConsumerSettings("l", "t", "c", StreamStartPosition.earliest(),
					StreamOffsetMode.AFTER_BATCH, 0, 1, FAST, StreamFailureAction.STOP, Duration.ofSeconds(1),
					Duration.ofSeconds(1), true))
			.withMessage("batch-size must be at least 1, got 0 for l");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new StreamConsumerSettings("l", "t", "c", StreamStartPosition.earliest(),
					StreamOffsetMode.AFTER_BATCH, 1, 1, FAST, StreamFailureAction.STOP, Duration.ofMillis(1500),
					Duration.ofSeconds(1), true))
			.withMessage("lock-ttl must be whole seconds, at least one, got PT1.5S for l");
		assertThatIllegalArgumentException().isThrownBy(() -> StreamStartPosition.parse("newest"))
			.withMessage("unknown start position 'newest'; use earliest, latest or an offset (0 or more)");
		assertThatIllegalArgumentException().isThrownBy(() -> StreamStartPosition.parse("-3"))
			.withMessageContaining("unknown start position '-3'");
		assertThat(StreamStartPosition.parse("EARLIEST")).isEqualTo(StreamStartPosition.earliest());
		assertThat(StreamStartPosition.parse(" 42 ")).isEqualTo(StreamStartPosition.afterOffset(42));
	}

}
