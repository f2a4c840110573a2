package dev.honker.spring.notification;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import org.springframework.context.SmartLifecycle;

import dev.honker.spring.listener.ChildJvm;
import dev.honker.spring.listener.HonkerTestPool;
import dev.honker.spring.listener.PooledDatabaseTests;
import dev.honker.spring.listener.ListenerContexts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pruning of {@code _honker_notifications} by worker apps under a burst of 100,000
 * notifications committed one by one by another process as fast as it can (the table is
 * pruned during the burst and is back under its bound right after it), and its absence
 * from apps that run no listener.
 */
class NotificationPruningTests extends PooledDatabaseTests {

	static class AnyListener {

		@HonkerNotificationListener(channel = "elsewhere")
		void on(String payload) {
		}

	}

	@Test
	void aWorkerAppKeepsTheTableBoundedUnderABurstOf100000Notifications() {
		ListenerContexts.runner(this.pool)
			.withPropertyValues("honker.notifications.max-count=5000", "honker.notifications.prune-interval=1h")
			.withBean(AnyListener.class)
			.run(context -> {
				assertThat(context.getBean("honkerNotificationPruning", SmartLifecycle.class).isRunning()).isTrue();
				long peak = 0;
				try (ChildJvm notifier = ChildJvm.start(this.dir.resolve("notifier.log"), NotifierMain.class,
						this.file.toString(), "burst", "100000", "0")) {
					while (notifier.handle().isAlive()) {
						peak = Math.max(peak, count());
						LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
					}
					assertThat(notifier.waitFor(10)).isZero();
				}
				// How often the pruner wins the write lock against a writer that commits
				// in a
				// tight loop depends on the machine's load; that it won at all during the
				// burst
				// does not, and the bound below holds once the writer pauses.
				assertThat(peak).as("the most rows seen during the burst").isLessThan(100_000);
				await().atMost(Duration.ofSeconds(30))
					.until(() -> HonkerTestPool.queryLong(this.pool,
							"SELECT count(*) FROM _honker_notifications") <= 5500);
				assertThat(HonkerTestPool.queryLong(this.pool, "SELECT max(id) FROM _honker_notifications"))
					.as("the latest are kept")
					.isEqualTo(100_000);
			});
	}

	private long count() throws SQLException {
		return HonkerTestPool.queryLong(this.pool, "SELECT count(*) FROM _honker_notifications");
	}

	@Test
	void anAppWithoutListenersNeverPrunes() {
		ListenerContexts.runner(this.pool)
			.withPropertyValues("honker.notifications.max-count=1")
			.run(context -> assertThat(context.getBean("honkerNotificationPruning", SmartLifecycle.class).isRunning())
				.isFalse());
	}

	@Test
	void pruningCanBeTurnedOff() {
		ListenerContexts.runner(this.pool)
			.withPropertyValues("honker.notifications.pruning-enabled=false")
			.withBean(AnyListener.class)
			.run(context -> assertThat(context).doesNotHaveBean("honkerNotificationPruning"));
	}

}
