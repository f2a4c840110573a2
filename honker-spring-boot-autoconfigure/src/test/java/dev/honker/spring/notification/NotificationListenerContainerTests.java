package dev.honker.spring.notification;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.core.Notification;
import dev.honker.spring.listener.PooledDatabaseTests;
import dev.honker.spring.watch.DatabaseWatcher;
import dev.honker.spring.watch.SqliteDatabaseWatcher;
import dev.honker.spring.watch.WatcherOptions;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * {@link NotificationListenerContainer} on a real database file, woken by the real commit
 * watcher; the fallback poll is an hour, so only wakes deliver.
 */
class NotificationListenerContainerTests extends PooledDatabaseTests {

	private static final Duration NO_FALLBACK = Duration.ofHours(1);

	HonkerTemplate honker;

	DatabaseWatcher watcher;

	final List<Notification> received = new CopyOnWriteArrayList<>();

	@BeforeEach
	void open() {
		this.honker = new HonkerTemplate(this.pool, JsonMapper.shared());
		this.watcher = new SqliteDatabaseWatcher(this.file, WatcherOptions.DEFAULTS);
	}

	private NotificationListenerContainer container(String channel, NotificationHandler handler) {
		return new NotificationListenerContainer("test", "a test handler", channel, handler, this.honker, this.watcher,
				NO_FALLBACK, true);
	}

	@Test
	void startsAtTheLatestNotificationAndDeliversLaterOnesOfItsChannelInOrder() {
		this.honker.notify("orders", "before start");
		NotificationListenerContainer container = container("orders", this.received::add);
		container.start();
		try {
			for (int i = 0; i < 50; i++) {
				this.honker.notify((i % 5 == 0) ? "other" : "orders", i);
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> this.received.size() == 40);
			assertThat(this.received).extracting(Notification::payload)
				.doesNotContain("\"before start\"")
				.containsExactlyElementsOf(java.util.stream.IntStream.range(0, 50)
					.filter(i -> i % 5 != 0)
					.mapToObj(String::valueOf)
					.toList());
			assertThat(this.received).extracting(Notification::channel).containsOnly("orders");
			assertThat(this.received).extracting(Notification::id).isSorted();
			assertThat(this.received.get(0).createdAt()).isNotNull();
		}
		finally {
			container.stop();
		}
		assertThat(container.isRunning()).isFalse();
	}

	@Test
	void aRolledBackNotificationIsNeverDelivered() {
		NotificationListenerContainer container = container("orders", this.received::add);
		container.start();
		try {
			TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(this.pool));
			transaction.executeWithoutResult(status -> {
				this.honker.notify("orders", "rolled back");
				status.setRollbackOnly();
			});
			transaction.executeWithoutResult(status -> this.honker.notify("orders", "committed"));
			await().atMost(Duration.ofSeconds(10)).until(() -> !this.received.isEmpty());
			this.honker.notify("orders", "last");
			await().atMost(Duration.ofSeconds(10)).until(() -> this.received.size() == 2);
			assertThat(this.received).extracting(Notification::payload).containsExactly("\"committed\"", "\"last\"");
		}
		finally {
			container.stop();
		}
	}

	@Test
	void aThrowingHandlerIsLoggedAndTheListenerMovesOn() {
		NotificationListenerContainer container = container("orders", notification -> {
			this.received.add(notification);
			if (notification.payload().equals("\"bad\"")) {
				throw new IllegalStateException("cannot handle");
			}
		});
		container.start();
		try {
			this.honker.notify("orders", "bad");
			this.honker.notify("orders", "good");
			await().atMost(Duration.ofSeconds(10)).until(() -> this.received.size() == 2);
			assertThat(container.isRunning()).isTrue();
			assertThat(container.getFailure()).isEmpty();
			this.honker.notify("orders", "after");
			await().atMost(Duration.ofSeconds(10)).until(() -> this.received.size() == 3);
		}
		finally {
			container.stop();
		}
	}

	@Test
	void readsABurstLargerThanOneBatchCompletely() {
		NotificationListenerContainer container = container("burst", this.received::add);
		container.start();
		try {
			TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(this.pool));
			int count = NotificationListenerContainer.BATCH * 2 + 7;
			transaction.executeWithoutResult(status -> {
				for (int i = 0; i < count; i++) {
					this.honker.notify("burst", i);
				}
			});
			await().atMost(Duration.ofSeconds(20)).until(() -> this.received.size() == count);
			assertThat(this.received).extracting(Notification::id).isSorted().doesNotHaveDuplicates();
		}
		finally {
			container.stop();
		}
	}

	@Test
	void rejectsAnEmptyChannel() {
		assertThatIllegalArgumentException().isThrownBy(() -> container(" ", this.received::add))
			.withMessage("channel must not be empty, got ' ' for listener 'test'");
	}

}
