package dev.honker.spring.listener;

import static dev.honker.spring.listener.HonkerTestPool.enqueue;
import static dev.honker.spring.listener.HonkerTestPool.queryLong;
import static dev.honker.spring.listener.HonkerTestPool.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import org.springframework.core.annotation.Order;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import dev.honker.spring.boot.autoconfigure.HonkerListenerAutoConfiguration;
import dev.honker.spring.core.HonkerOperations;
import dev.honker.spring.core.HonkerTemplate;

/**
 * Beans of the application change how listeners convert, fail, run and are observed, and
 * listeners registered in code receive jobs like annotated ones.
 */
class ListenerExtensionPointsTests extends PooledDatabaseTests {

	private static final Duration LONG = Duration.ofSeconds(30);

	@Test
	void errorHandlerBeanMovesSomeFailuresToAnotherQueueAndLeavesTheRestToTheDefaults() {
		JobErrorHandler parking = failed -> (failed.failure() instanceof IllegalStateException)
				? FailureAction.moveTo("parking") : failed.defaultAction();
		ListenerContexts.runner(this.pool)
			.withBean(JobErrorHandler.class, () -> parking)
			.withBean(FailingListener.class)
			.run(context -> {
				long parked = enqueue(this.pool, "work", "{\"fail\":\"state\"}", 3);
				long dead = enqueue(this.pool, "work", "{\"fail\":\"argument\"}", 1);
				await().atMost(LONG)
					.until(() -> queryLong(this.pool, "SELECT count(*) FROM _honker_live WHERE queue = 'parking'") == 1
							&& queryLong(this.pool, "SELECT count(*) FROM _honker_dead") == 1);
				assertThat(queryLong(this.pool, "SELECT count(*) FROM _honker_live WHERE id = ?", parked)).isZero();
				assertThat(queryString(this.pool, "SELECT payload FROM _honker_live WHERE queue = 'parking'"))
					.isEqualTo("{\"fail\":\"state\"}");
				assertThat(queryString(this.pool, "SELECT last_error FROM _honker_dead WHERE id = ?", dead))
					.isEqualTo("java.lang.IllegalArgumentException: argument");
				assertThat(queryLong(this.pool, "SELECT count(*) FROM _honker_live WHERE queue = 'work'")).isZero();
			});
	}

	@Test
	void errorHandlerCanAddContextToTheLastError() {
		JobErrorHandler annotating = failed -> FailureAction.deadLetter(
				"[job " + failed.job().id() + " on " + failed.job().queue() + "] " + failed.defaultAction().error());
		ListenerContexts.runner(this.pool)
			.withBean(JobErrorHandler.class, () -> annotating)
			.withBean(FailingListener.class)
			.run(context -> {
				long id = enqueue(this.pool, "work", "{\"fail\":\"state\"}", 3);
				await().atMost(LONG).until(() -> queryLong(this.pool, "SELECT count(*) FROM _honker_dead") == 1);
				assertThat(queryString(this.pool, "SELECT last_error FROM _honker_dead WHERE id = ?", id))
					.isEqualTo("[job " + id + " on work] java.lang.IllegalStateException: state");
				assertThat(queryLong(this.pool, "SELECT attempts FROM _honker_dead WHERE id = ?", id)).isOne();
			});
	}

	@Test
	void payloadConverterBeanReadsAFormatOfItsOwn() {
		ListenerContexts.runner(this.pool)
			.withBean(PayloadConverter.class, PipeSeparatedConverter::new)
			.withBean(PipeListener.class)
			.run(context -> {
				PipeListener listener = context.getBean(PipeListener.class);
				enqueue(this.pool, "pipes", "\"alice@example.com|2\"", 3);
				await().atMost(LONG).until(() -> listener.received.size() == 1);
				assertThat(listener.received).containsExactly(new Email("alice@example.com", 2));
			});
	}

	@Test
	void interceptorsSeeEveryJobBeforeAndAfterWithItsOutcomeAndState() {
		ListenerContexts.runner(this.pool)
			.withBean("outer", JobInterceptor.class, () -> new RecordingInterceptor("outer"))
			.withBean("inner", JobInterceptor.class, () -> new RecordingInterceptor("inner"))
			.withBean(FailingListener.class)
			.run(context -> {
				RecordingInterceptor outer = (RecordingInterceptor) context.getBean("outer");
				RecordingInterceptor inner = (RecordingInterceptor) context.getBean("inner");
				long ok = enqueue(this.pool, "work", "{\"fail\":\"no\"}", 3);
				long bad = enqueue(this.pool, "work", "{\"fail\":\"argument\"}", 1);
				long runAt = queryLong(this.pool, "SELECT run_at FROM _honker_live WHERE id = ?", ok);
				await().atMost(LONG).until(() -> outer.after.size() == 2 && inner.after.size() == 2);
				assertThat(outer.after).extracting(Seen::jobId).containsExactlyInAnyOrder(ok, bad);
				Seen succeeded = outer.after.stream().filter(seen -> seen.jobId() == ok).findFirst().orElseThrow();
				assertThat(succeeded.outcome()).isEqualTo(JobOutcome.SUCCEEDED);
				assertThat(succeeded.queue()).isEqualTo("work");
				assertThat(succeeded.attempts()).isOne();
				assertThat(succeeded.runAt()).isEqualTo(Instant.ofEpochSecond(runAt));
				assertThat(succeeded.failure()).isNull();
				Seen failed = outer.after.stream().filter(seen -> seen.jobId() == bad).findFirst().orElseThrow();
				assertThat(failed.outcome()).isEqualTo(JobOutcome.DEAD_LETTERED);
				assertThat(failed.failure()).isEqualTo("argument");
				assertThat(outer.after).allSatisfy(seen -> assertThat(seen.startedBefore()).isTrue());
				assertThat(inner.after).allSatisfy(seen -> assertThat(seen.startedBefore()).isTrue());
				assertThat(RecordingInterceptor.order).containsSubsequence("before outer", "before inner",
						"after inner", "after outer");
			});
	}

	@Test
	void namedTaskExecutorBeanRunsTheHandlers() {
		ListenerContexts.runner(this.pool)
			.withBean(HonkerListenerAutoConfiguration.LISTENER_TASK_EXECUTOR_BEAN_NAME, ThreadPoolTaskExecutor.class,
					() -> {
						ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
						executor.setThreadNamePrefix("app-executor-");
						return executor;
					})
			.withBean(ThreadListener.class)
			.run(context -> {
				ThreadListener listener = context.getBean(ThreadListener.class);
				enqueue(this.pool, "threads", "{}", 3);
				await().atMost(LONG).until(() -> listener.threads.size() == 1);
				assertThat(listener.threads.get(0).getName()).startsWith("app-executor-");
			});
	}

	@Test
	void aSharedExecutorsQueuedJobDoesNotRunAfterShutdownGaveUpOnIt() {
		ThreadPoolTaskExecutor oneThread = new ThreadPoolTaskExecutor();
		oneThread.setCorePoolSize(1);
		oneThread.setMaxPoolSize(1);
		oneThread.initialize();
		ListenerContexts.runner(this.pool)
			.withPropertyValues("honker.listener.shutdown-timeout=1s")
			.withBean(HonkerListenerAutoConfiguration.LISTENER_TASK_EXECUTOR_BEAN_NAME, ThreadPoolTaskExecutor.class,
					() -> oneThread)
			.withBean(BlockingListener.class)
			.run(context -> {
				BlockingListener listener = context.getBean(BlockingListener.class);
				HonkerListenerContainer container = context.getBean(HonkerListenerEndpointRegistry.class)
					.getListenerContainer("blocking", HonkerListenerContainer.class);
				container.pause();
				long first = enqueue(this.pool, "blocking", "{}", 3);
				long second = enqueue(this.pool, "blocking", "{}", 3);
				container.resume();
				await().atMost(LONG)
					.until(() -> listener.started.size() == 1
							&& oneThread.getThreadPoolExecutor().getQueue().size() == 1);
				container.stop();
				await().atMost(LONG).until(() -> oneThread.getActiveCount() == 0 && oneThread.getQueueSize() == 0);
				assertThat(listener.started).hasSize(1).isSubsetOf(first, second);
				assertThat(queryLong(this.pool,
						"SELECT count(*) FROM _honker_live WHERE state = 'processing' AND id IN (?, ?)", first, second))
					.as("both claims left to expire")
					.isEqualTo(2);
			});
		oneThread.shutdown();
	}

	/**
	 * With {@code spring.threads.virtual.enabled=true}, handlers run on virtual threads
	 * on Java 21 and later, and on the listener's pool of platform threads on Java 17,
	 * which has none. The build runs this test on the JDK it runs on, so each JDK checks
	 * its own branch; see {@code docs} in the README for running it on a second JDK.
	 */
	@Test
	void virtualThreadsRunHandlersWhenEnabledAndTheJvmHasThem() {
		ListenerContexts.runner(this.pool)
			.withPropertyValues("spring.threads.virtual.enabled=true")
			.withBean(ThreadListener.class)
			.run(context -> {
				ThreadListener listener = context.getBean(ThreadListener.class);
				enqueue(this.pool, "threads", "{}", 3);
				await().atMost(LONG).until(() -> listener.threads.size() == 1);
				Thread handler = listener.threads.get(0);
				assertThat(handler.getName()).startsWith("honker-threads-");
				if (Runtime.version().feature() >= 21) {
					assertThat(isVirtual(handler)).as("virtual handler thread on Java %s", Runtime.version()).isTrue();
				}
				else {
					assertThat(isVirtual(handler)).as("platform handler thread on Java %s", Runtime.version())
						.isFalse();
				}
			});
	}

	@Test
	void containerCreatedInCodeReceivesJobsAndIsManagedByTheRegistry() throws Exception {
		ListenerContexts.runner(this.pool).run(context -> {
			HonkerListenerContainerFactory factory = context.getBean(HonkerListenerContainerFactory.class);
			HonkerListenerEndpointRegistry registry = context.getBean(HonkerListenerEndpointRegistry.class);
			List<Email> received = new CopyOnWriteArrayList<>();
			List<HonkerJob> jobs = new CopyOnWriteArrayList<>();
			HonkerListenerContainer container = factory
				.createContainer(JobListenerEndpoint.of("mail", Email.class, (email, job) -> {
					received.add(email);
					jobs.add(job);
				}).id("mailer").concurrency(2));
			registry.registerListenerContainer(container);
			assertThat(container.isRunning()).isTrue();
			long id = enqueue(this.pool, "mail", "{\"to\":\"bob@example.com\",\"count\":1}", 3);
			await().atMost(LONG).until(() -> received.size() == 1);
			assertThat(received).containsExactly(new Email("bob@example.com", 1));
			assertThat(jobs.get(0).id()).isEqualTo(id);
			assertThat(jobs.get(0).workerId()).contains(":mailer:");
			registry.pause("mailer");
			assertThat(container.isPaused()).isTrue();
			await().atMost(LONG).until(() -> queryLong(this.pool, "SELECT count(*) FROM _honker_live") == 0);
		});
		assertThat(queryLong(this.pool, "SELECT count(*) FROM _honker_dead")).isZero();
	}

	@Test
	void customizersAdjustEveryContainerBeforeItStarts() {
		ListenerContexts.runner(this.pool).withBean(HonkerListenerContainerCustomizer.class, () -> container -> {
			if (container.getQueue().equals("threads")) {
				container.setAutoStartup(false);
			}
		}).withBean(ThreadListener.class).run(context -> {
			HonkerListenerContainer container = context.getBean(HonkerListenerEndpointRegistry.class)
				.getListenerContainer("threads", HonkerListenerContainer.class);
			assertThat(container.isAutoStartup()).isFalse();
			assertThat(container.isRunning()).isFalse();
		});
	}

	@Test
	void templateIsInjectableAsHonkerOperations() {
		ListenerContexts.runner(this.pool).run(context -> {
			assertThat(context).getBean(HonkerOperations.class).isInstanceOf(HonkerTemplate.class);
			long id = context.getBean(HonkerOperations.class).enqueue("ops", "hello");
			assertThat(queryString(this.pool, "SELECT payload FROM _honker_live WHERE id = ?", id))
				.isEqualTo("\"hello\"");
		});
	}

	private static boolean isVirtual(Thread thread) throws ReflectiveOperationException {
		if (Runtime.version().feature() < 21) {
			return false;
		}
		Method isVirtual = Thread.class.getMethod("isVirtual");
		return (boolean) isVirtual.invoke(thread);
	}

	/** The payload of the tests. */
	record Email(String to, int count) {
	}

	/** What an interceptor saw of one job. */
	record Seen(long jobId, String queue, long attempts, Instant runAt, JobOutcome outcome, String failure,
			boolean startedBefore) {
	}

	static class FailingListener {

		@HonkerListener(queue = "work", id = "work")
		void handle(java.util.Map<String, String> payload) {
			switch (payload.get("fail")) {
				case "state" -> throw new IllegalStateException("state");
				case "argument" -> throw new IllegalArgumentException("argument");
				default -> {
				}
			}
		}

	}

	static class PipeListener {

		final List<Email> received = new CopyOnWriteArrayList<>();

		@HonkerListener(queue = "pipes")
		void handle(Email email) {
			this.received.add(email);
		}

	}

	static class BlockingListener {

		final List<Long> started = new CopyOnWriteArrayList<>();

		@HonkerListener(queue = "blocking", id = "blocking", concurrency = "2")
		void handle(HonkerJob job) throws InterruptedException {
			this.started.add(job.id());
			new java.util.concurrent.CountDownLatch(1).await();
		}

	}

	static class ThreadListener {

		final List<Thread> threads = new CopyOnWriteArrayList<>();

		@HonkerListener(queue = "threads", id = "threads")
		void handle() {
			this.threads.add(Thread.currentThread());
		}

	}

	/** Reads {@code "to|count"} JSON strings. */
	static class PipeSeparatedConverter implements PayloadConverter {

		@Override
		public boolean canConvert(Type type) {
			return type == Email.class;
		}

		@Override
		public Object convert(String payload, Type type) {
			String[] parts = payload.substring(1, payload.length() - 1).split("\\|");
			return new Email(parts[0], Integer.parseInt(parts[1]));
		}

	}

	@Order(0)
	static class RecordingInterceptor implements JobInterceptor {

		static final List<String> order = new CopyOnWriteArrayList<>();

		final List<Seen> after = new CopyOnWriteArrayList<>();

		private final String name;

		RecordingInterceptor(String name) {
			this.name = name;
		}

		@Override
		public void beforeJob(JobContext context) {
			context.put(this, System.nanoTime());
			order.add("before " + this.name);
		}

		@Override
		public void afterJob(JobContext context) {
			Long started = context.get(this, Long.class);
			HonkerJob job = context.job();
			this.after.add(new Seen(job.id(), job.queue(), job.attempts(), job.runAt(), context.outcome(),
					context.failure() == null ? null : context.failure().getMessage(), started != null));
			order.add("after " + this.name);
		}

	}

}
