package dev.honker.spring.notification;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.listener.ChildJvm;
import dev.honker.spring.listener.PooledDatabaseTests;
import dev.honker.spring.listener.ListenerContexts;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@code @HonkerNotificationListener} in this JVM receives the notifications another
 * process commits ({@link NotifierMain}: its own sqlite-jdbc connection, the
 * {@code notify()} SQL function, payloads formatted as Python's {@code json.dumps}).
 */
class NotificationCrossProcessTests extends PooledDatabaseTests {

	record Tick(int seq, long nanos) {
	}

	static class TickListener {

		final List<Integer> received = new CopyOnWriteArrayList<>();

		@HonkerNotificationListener(channel = "ticks")
		void on(Tick tick) {
			this.received.add(tick.seq());
		}

	}

	@Test
	void receivesEveryNotificationOfAnotherProcessInOrderWithoutReplayingOlderOnes() {
		HonkerTemplate before = new HonkerTemplate(this.pool, JsonMapper.shared());
		before.notify("ticks", new Tick(-1, 0));
		before.notify("ticks", new Tick(-2, 0));
		ListenerContexts.runner(this.pool).withBean(TickListener.class).run(context -> {
			TickListener listener = context.getBean(TickListener.class);
			try (ChildJvm notifier = ChildJvm.start(this.dir.resolve("notifier.log"), NotifierMain.class,
					this.file.toString(), "ticks", "300", "0")) {
				assertThat(notifier.waitFor(60)).isZero();
			}
			await().atMost(Duration.ofSeconds(20)).until(() -> listener.received.size() >= 300);
			assertThat(listener.received).containsExactlyElementsOf(IntStream.range(0, 300).boxed().toList());
		});
	}

}
