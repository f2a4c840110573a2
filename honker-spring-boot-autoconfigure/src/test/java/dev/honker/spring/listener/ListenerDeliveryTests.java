package dev.honker.spring.listener;

import static dev.honker.spring.listener.HonkerTestPool.enqueue;
import static dev.honker.spring.listener.HonkerTestPool.queryLong;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/**
 * Jobs reach {@code @HonkerListener} methods, from this and other processes, with their
 * metadata.
 */
class ListenerDeliveryTests extends PooledDatabaseTests {

	private static final Duration LONG = Duration.ofSeconds(30);

	@Test
	void receivesAJobEnqueuedByAnotherJvm() {
		ListenerContexts.runner(this.pool).withBean(EmailListener.class).run(context -> {
			assertThat(context).hasNotFailed();
			EmailListener listener = context.getBean(EmailListener.class);
			Instant before = Instant.now();
			try (ChildJvm child = ChildJvm.start(this.dir.resolve("enqueue.log"), EnqueueMain.class,
					this.file.toString(), "emails", "{\"to\":\"alice@example.com\",\"count\":2}", "1")) {
				assertThat(child.waitFor(60)).as("enqueuer exit code, see %s", child).isZero();
			}
			await().atMost(LONG).until(() -> listener.calls.size() == 1);
			Call call = listener.calls.get(0);
			assertThat(call.payload()).isEqualTo(new Email("alice@example.com", 2));
			HonkerJob job = call.job();
			assertThat(job.queue()).isEqualTo("emails");
			assertThat(job.attempts()).isEqualTo(1);
			assertThat(job.maxAttempts()).isEqualTo(3);
			assertThat(job.isLastAttempt()).isFalse();
			assertThat(job.claimExpiresAt()).isAfter(before.plusSeconds(200));
			assertThat(job.workerId()).matches("[^:]+:" + ProcessHandle.current().pid() + ":emails:[0-9a-f]{8}");
			await().atMost(LONG).until(() -> queryLong(this.pool, "SELECT count(*) FROM _honker_live") == 0);
			assertThat(queryLong(this.pool, "SELECT count(*) FROM _honker_dead")).isZero();
		});
	}

	@Test
	void convertsPayloadsToEachSupportedParameterType() {
		ListenerContexts.runner(this.pool).withBean(PayloadTypesListener.class).run(context -> {
			PayloadTypesListener listener = context.getBean(PayloadTypesListener.class);
			enqueue(this.pool, "strings", "\"hello\"", 3);
			enqueue(this.pool, "strings", "{\"raw\": true}", 3);
			enqueue(this.pool, "nodes", "{\"a\":[1,2]}", 3);
			enqueue(this.pool, "maps", "{\"b\":\"c\"}", 3);
			enqueue(this.pool, "lists", "[3,4]", 3);
			enqueue(this.pool, "bare", "{}", 3);
			await().atMost(LONG).until(() -> listener.received.size() == 6);
			assertThat(listener.received).containsExactlyInAnyOrder("hello", "{\"raw\": true}", "[1,2]",
					Map.of("b", "c"), List.of(3, 4), "bare");
			await().atMost(LONG).until(() -> queryLong(this.pool, "SELECT count(*) FROM _honker_live") == 0);
		});
	}

	@Test
	void delayedJobRunsWhenItFallsDueWithoutAnyCommit() {
		ListenerContexts.runner(this.pool)
			.withBean(EmailListener.class)
			.withPropertyValues("honker.listener.idle-poll-interval=1h")
			.run(context -> {
				EmailListener listener = context.getBean(EmailListener.class);
				long runAt = queryLong(this.pool, "SELECT unixepoch() + 2");
				try (var connection = this.pool.getConnection(); var statement = connection.createStatement()) {
					statement.execute("SELECT honker_enqueue('emails', '{\"to\":\"later\",\"count\":1}', " + runAt
							+ ", NULL, 0, 3, NULL)");
				}
				await().atMost(LONG).until(() -> listener.calls.size() == 1);
				assertThat(listener.calls.get(0).at()).isAfterOrEqualTo(Instant.ofEpochSecond(runAt));
			});
	}

	@Test
	void pausedListenerClaimsNothingUntilResumed() {
		ListenerContexts.runner(this.pool).withBean(EmailListener.class).run(context -> {
			EmailListener listener = context.getBean(EmailListener.class);
			HonkerListenerEndpointRegistry registry = context.getBean(HonkerListenerEndpointRegistry.class);
			registry.pause("emails");
			assertThat(registry.getListenerContainer("emails").isPaused()).isTrue();
			long id = enqueue(this.pool, "emails", "{\"to\":\"bob\",\"count\":1}", 3);
			await().during(Duration.ofMillis(700))
				.atMost(LONG)
				.until(() -> listener.calls.isEmpty() && queryLong(this.pool,
						"SELECT count(*) FROM _honker_live WHERE id = ? AND state = 'pending'", id) == 1);
			registry.resume("emails");
			await().atMost(LONG).until(() -> listener.calls.size() == 1);
			assertThat(listener.calls.get(0).job().id()).isEqualTo(id);
			assertThatThrownBy(() -> registry.pause("nope")).isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("'nope'")
				.hasMessageContaining("emails");
		});
	}

	@Test
	void stoppedContainerLeavesJobsAloneAndStartsAgain() {
		ListenerContexts.runner(this.pool).withBean(EmailListener.class).run(context -> {
			EmailListener listener = context.getBean(EmailListener.class);
			HonkerListenerContainer container = context.getBean(HonkerListenerEndpointRegistry.class)
				.getListenerContainer("emails", HonkerListenerContainer.class);
			container.stop();
			assertThat(container.isRunning()).isFalse();
			enqueue(this.pool, "emails", "{\"to\":\"carol\",\"count\":1}", 3);
			await().during(Duration.ofMillis(500)).atMost(LONG).until(() -> listener.calls.isEmpty());
			container.start();
			await().atMost(LONG).until(() -> listener.calls.size() == 1);
		});
	}

	/** The payload of the email tests. */
	record Email(String to, int count) {
	}

	/** One handler call. */
	record Call(Object payload, HonkerJob job, Instant at) {
	}

	static class EmailListener {

		final List<Call> calls = new CopyOnWriteArrayList<>();

		@HonkerListener(queue = "emails", id = "emails")
		void onEmail(Email email, HonkerJob job) {
			this.calls.add(new Call(email, job, Instant.now()));
		}

	}

	static class PayloadTypesListener {

		final List<Object> received = new CopyOnWriteArrayList<>();

		@HonkerListener(queue = "strings")
		void onString(String text) {
			this.received.add(text);
		}

		@HonkerListener(queue = "nodes")
		void onNode(JsonNode node) {
			this.received.add(node.get("a").toString());
		}

		@HonkerListener(queue = "maps")
		void onMap(Map<String, String> map) {
			this.received.add(map);
		}

		@HonkerListener(queue = "lists")
		void onList(List<Integer> numbers) {
			this.received.add(numbers);
		}

		@HonkerListener(queue = "bare")
		void onBare() {
			this.received.add("bare");
		}

	}

}
