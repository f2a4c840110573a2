package dev.honker.spring.notification;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import org.springframework.core.NestedExceptionUtils;

import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.core.Notification;
import dev.honker.spring.listener.HonkerListenerEndpointRegistry;
import dev.honker.spring.listener.PooledDatabaseTests;
import dev.honker.spring.listener.ListenerConfigurationException;
import dev.honker.spring.listener.ListenerContexts;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @HonkerNotificationListener} methods in an application context with the
 * auto-configuration, on a real database file.
 */
class NotificationListenerAnnotationTests extends PooledDatabaseTests {

	record Status(long orderId, String state) {
	}

	static class StatusListener {

		final List<Status> statuses = new CopyOnWriteArrayList<>();

		final List<Notification> notifications = new CopyOnWriteArrayList<>();

		@HonkerNotificationListener(channel = "${app.channel}", id = "statuses")
		void onStatus(Status status, Notification notification) {
			this.statuses.add(status);
			this.notifications.add(notification);
		}

	}

	@Test
	void deliversConvertedPayloadsAndMetadataOfNotificationsSentAfterTheStart() {
		HonkerTemplate setup = new HonkerTemplate(this.pool, JsonMapper.shared());
		setup.notify("order-status", new Status(0, "OLD"));
		ListenerContexts.runner(this.pool)
			.withPropertyValues("app.channel=order-status")
			.withBean(StatusListener.class)
			.run(context -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(HonkerListenerEndpointRegistry.class).getListenerContainer("statuses"))
					.isInstanceOf(NotificationListenerContainer.class);
				HonkerTemplate honker = context.getBean(HonkerTemplate.class);
				StatusListener listener = context.getBean(StatusListener.class);
				honker.notify("order-status", new Status(1, "CONFIRMED"));
				honker.notify("order-status", "{\"not\": \"a status\"");
				honker.notify("order-status", List.of("not", "a", "status"));
				honker.notify("other", new Status(9, "ELSEWHERE"));
				long last = honker.notify("order-status", new Status(2, "SHIPPED"));
				await().atMost(Duration.ofSeconds(10)).until(() -> listener.statuses.size() == 2);
				assertThat(listener.statuses).containsExactly(new Status(1, "CONFIRMED"), new Status(2, "SHIPPED"));
				assertThat(listener.notifications.get(1).id()).isEqualTo(last);
				assertThat(listener.notifications.get(1).channel()).isEqualTo("order-status");
				assertThat(listener.notifications.get(1).payload()).isEqualTo("{\"orderId\":2,\"state\":\"SHIPPED\"}");
				assertThat(context.getBean(HonkerListenerEndpointRegistry.class)
					.getListenerContainer("statuses")
					.isRunning()).as("payloads that do not convert are logged and skipped").isTrue();
			});
	}

	static class EmptyChannel {

		@HonkerNotificationListener(channel = "${app.channel:}")
		void on(String payload) {
		}

	}

	@Test
	void anEmptyChannelStopsTheContextNamingTheMethod() {
		ListenerContexts.runner(this.pool).withBean(EmptyChannel.class).run(context -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining("@HonkerNotificationListener on "
					+ EmptyChannel.class.getName() + ".on(String): channel must not be empty");
		});
	}

	static class TwoPayloads {

		@HonkerNotificationListener(channel = "c")
		void on(String first, String second) {
		}

	}

	@Test
	void anUnsupportedSignatureStopsTheContextNamingTheParameter() {
		ListenerContexts.runner(this.pool).withBean(TwoPayloads.class).run(context -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining("@HonkerNotificationListener method "
					+ TwoPayloads.class.getName()
					+ ".on(String, String): parameter 1 of type java.lang.String is not supported (a second payload parameter)");
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure())).isInstanceOfSatisfying(
					ListenerConfigurationException.class,
					failure -> assertThat(failure.getAction()).contains("at most one Notification"));
		});
	}

}
