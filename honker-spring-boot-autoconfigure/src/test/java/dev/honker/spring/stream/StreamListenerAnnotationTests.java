package dev.honker.spring.stream;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.core.StreamEvent;
import dev.honker.spring.listener.HonkerListenerEndpointRegistry;
import dev.honker.spring.listener.PooledDatabaseTests;
import dev.honker.spring.listener.ListenerContexts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @HonkerStreamListener} methods in an application context with the
 * auto-configuration, on a real database file.
 */
class StreamListenerAnnotationTests extends PooledDatabaseTests {

	record OrderEvent(long orderId, String state) {
	}

	static class Consumers {

		final List<OrderEvent> billing = new CopyOnWriteArrayList<>();

		final List<StreamEvent> billingEvents = new CopyOnWriteArrayList<>();

		final List<Long> audit = new CopyOnWriteArrayList<>();

		@HonkerStreamListener(topic = "${app.topic}", consumer = "billing", id = "billing")
		void bill(OrderEvent event, StreamEvent metadata) {
			this.billing.add(event);
			this.billingEvents.add(metadata);
		}

		@HonkerStreamListener(topic = "${app.topic}", consumer = "audit", batchSize = "2")
		void audit(StreamEvent metadata) {
			this.audit.add(metadata.offset());
		}

	}

	@Test
	void eachConsumerNameSeesEveryEventInOrderWithConvertedPayloadsAndMetadata() {
		ListenerContexts.runner(this.pool)
			.withPropertyValues("app.topic=orders")
			.withBean(Consumers.class)
			.run(context -> {
				assertThat(context).hasNotFailed();
				HonkerTemplate honker = context.getBean(HonkerTemplate.class);
				Consumers consumers = context.getBean(Consumers.class);
				for (int i = 0; i < 5; i++) {
					honker.publish("orders", "order-" + i, new OrderEvent(i, "PLACED"));
				}
				await().atMost(Duration.ofSeconds(10))
					.until(() -> consumers.billing.size() == 5 && consumers.audit.size() == 5);
				assertThat(consumers.billing).extracting(OrderEvent::orderId).containsExactly(0L, 1L, 2L, 3L, 4L);
				assertThat(consumers.billingEvents).extracting(StreamEvent::key)
					.containsExactly("order-0", "order-1", "order-2", "order-3", "order-4");
				assertThat(consumers.audit)
					.containsExactlyElementsOf(consumers.billingEvents.stream().map(StreamEvent::offset).toList());
				long last = consumers.audit.get(4);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> honker.offset("billing", "orders") == last
							&& honker.offset("audit", "orders") == last);
				StreamListenerContainer billing = context.getBean(HonkerListenerEndpointRegistry.class)
					.getListenerContainer("billing", StreamListenerContainer.class);
				assertThat(billing.isConsuming()).isTrue();
				assertThat(context.getBean(HonkerListenerEndpointRegistry.class)
					.getListenerContainer("streamListenerAnnotationTests.Consumers.audit")).as("default id")
					.isInstanceOf(StreamListenerContainer.class);
			});
	}

	static class Skipping {

		final List<OrderEvent> received = new CopyOnWriteArrayList<>();

		@HonkerStreamListener(topic = "orders", consumer = "skipping", failureAction = "skip", maxAttempts = "5")
		void on(OrderEvent event) {
			this.received.add(event);
		}

	}

	@Test
	void aPayloadThatDoesNotConvertIsAFailureWithoutRetries() {
		ListenerContexts.runner(this.pool).withBean(Skipping.class).run(context -> {
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			honker.publish("orders", null, List.of("not", "an", "order"));
			long good = honker.publish("orders", null, new OrderEvent(7, "PLACED"));
			Skipping consumer = context.getBean(Skipping.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> consumer.received.size() == 1);
			await().atMost(Duration.ofSeconds(10)).until(() -> honker.offset("skipping", "orders") == good);
			Map<String, Object> skipped = new JdbcTemplate(this.pool)
				.queryForMap("SELECT consumer, payload, error FROM honker_stream_skipped");
			assertThat(skipped).containsEntry("consumer", "skipping")
				.containsEntry("payload", "[\"not\",\"an\",\"order\"]");
			assertThat((String) skipped.get("error")).startsWith(
					"dev.honker.spring.listener.PayloadConversionException: payload of stream event 1 cannot be converted to "
							+ OrderEvent.class.getName());
		});
	}

	static class SameConsumerTwice {

		@HonkerStreamListener(topic = "orders", consumer = "billing")
		void first(String payload) {
		}

		@HonkerStreamListener(topic = "orders", consumer = "billing")
		void second(String payload) {
		}

	}

	@Test
	void twoMethodsWithTheSameConsumerAndTopicStopTheContext() {
		ListenerContexts.runner(this.pool).withBean(SameConsumerTwice.class).run(context -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasStackTraceContaining("both consume topic 'orders' as consumer 'billing'")
				.hasStackTraceContaining(SameConsumerTwice.class.getName() + ".first(String)")
				.hasStackTraceContaining(SameConsumerTwice.class.getName() + ".second(String)");
		});
	}

	static class UnknownStart {

		@HonkerStreamListener(topic = "orders", consumer = "billing", start = "newest")
		void on(String payload) {
		}

	}

	@Test
	void anUnknownStartPositionStopsTheContextNamingTheValue() {
		ListenerContexts.runner(this.pool).withBean(UnknownStart.class).run(context -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining("@HonkerStreamListener on "
					+ UnknownStart.class.getName()
					+ ".on(String): start = 'newest' is invalid: unknown start position 'newest'; use earliest, latest or an offset");
		});
	}

	static class EmptyTopic {

		@HonkerStreamListener(topic = " ", consumer = "billing")
		void on(String payload) {
		}

	}

	@Test
	void anEmptyTopicStopsTheContextNamingTheMethod() {
		ListenerContexts.runner(this.pool).withBean(EmptyTopic.class).run(context -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining("@HonkerStreamListener on "
					+ EmptyTopic.class.getName() + ".on(String): topic = ' ' is invalid: must not be empty");
		});
	}

	@Test
	void anUnknownDefaultStartPositionIsRefusedNamingTheProperty() {
		ListenerContexts.runner(this.pool)
			.withPropertyValues("honker.stream.start=yesterday")
			.withBean(UnknownStart.class)
			.run(context -> assertThat(context.getStartupFailure())
				.hasStackTraceContaining("honker.stream.start: unknown start position 'yesterday'"));
	}

}
