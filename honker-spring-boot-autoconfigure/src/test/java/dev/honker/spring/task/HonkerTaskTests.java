package dev.honker.spring.task;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.honker.spring.core.HonkerPayloadException;
import dev.honker.spring.listener.HonkerJob;
import dev.honker.spring.listener.HonkerTestPool;
import dev.honker.spring.listener.PooledDatabaseTests;
import dev.honker.spring.scheduler.SchedulerContexts;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@code @HonkerTask} methods and {@link HonkerTasks} calls on a real file: results
 * awaited through the commit watcher, Honker's envelope on the wire, the caller's
 * transaction, failures with Honker's messages, and rows shaped as the Python binding
 * writes and reads them.
 */
class HonkerTaskTests extends PooledDatabaseTests {

	private static final Duration LONG = Duration.ofSeconds(30);

	private JdbcTemplate jdbc;

	@BeforeEach
	void open() {
		this.jdbc = new JdbcTemplate(this.pool);
	}

	private ApplicationContextRunner worker() {
		return SchedulerContexts.runner(this.pool).withBean(MathTasks.class);
	}

	@Test
	void aClientCallRunsTheTaskAndItsResultIsAwaited() {
		worker().run(context -> {
			Math math = context.getBean(HonkerTasks.class).client(Math.class);
			TaskHandle<Integer> sum = math.add(2, 3);
			assertThat(sum.await(LONG)).isEqualTo(5);
			assertThat(sum.result()).contains(5);
			assertThat(this.jdbc.queryForObject("SELECT value FROM _honker_results WHERE job_id = ?", String.class,
					sum.id()))
				.isEqualTo("5");
			assertThat(this.jdbc.queryForObject("SELECT expires_at - created_at FROM _honker_results", Long.class))
				.as("resultTtl 1h")
				.isEqualTo(3600);
			await().atMost(LONG).until(() -> count("SELECT count(*) FROM _honker_live") == 0);
		});
	}

	@Test
	void aCallWritesHonkersEnvelopeWithTheTasksOptions() {
		SchedulerContexts.runner(this.pool).run(context -> {
			Math math = context.getBean(HonkerTasks.class).client(Math.class);
			TaskHandle<Integer> sum = math.add(2, 3);
			Map<String, Object> row = this.jdbc.queryForMap(
					"SELECT queue, payload, priority, max_attempts, expires_at - created_at AS ttl FROM _honker_live WHERE id = ?",
					sum.id());
			assertThat(row).containsEntry("queue", "math")
				.containsEntry("priority", 7)
				.containsEntry("max_attempts", 2)
				.containsEntry("ttl", 600);
			JsonNode payload = JsonMapper.shared().readTree((String) row.get("payload"));
			assertThat(payload.propertyNames()).containsExactly("__honker_task__");
			JsonNode body = payload.get("__honker_task__");
			assertThat(body.propertyNames()).containsExactlyInAnyOrder("task", "args", "kwargs");
			assertThat(body.get("task").asString()).isEqualTo("math.add");
			assertThat(body.get("args").toString()).isEqualTo("[2,3]");
			assertThat(body.get("kwargs").isObject() && body.get("kwargs").isEmpty()).isTrue();
		});
	}

	@Test
	void callsByNameBindKeywordArgumentsAndTheJob() {
		worker().run(context -> {
			HonkerTasks tasks = context.getBean(HonkerTasks.class);
			TaskHandle<String> greeting = tasks
				.call(TaskCall.of("math", "greet").withArgs("Ann").withKwargs(Map.of("greeting", "Hi")), String.class);
			assertThat(greeting.await(LONG)).isEqualTo("Hi, Ann (job " + greeting.id() + ")");
			TaskHandle<Void> nothing = tasks.call(TaskCall.of("math", "nothing"), Void.class);
			assertThat(nothing.await(LONG)).isNull();
			assertThat(this.jdbc.queryForObject("SELECT value FROM _honker_results WHERE job_id = ?", String.class,
					nothing.id()))
				.isEqualTo("null");
		});
	}

	@Test
	void aCallInARolledBackTransactionEnqueuesNothing() {
		SchedulerContexts.runner(this.pool).run(context -> {
			Math math = context.getBean(HonkerTasks.class).client(Math.class);
			new TransactionTemplate(context.getBean(PlatformTransactionManager.class)).executeWithoutResult(status -> {
				math.add(1, 1);
				assertThat(count("SELECT count(*) FROM _honker_live")).as("uncommitted, invisible").isZero();
				status.setRollbackOnly();
			});
			assertThat(count("SELECT count(*) FROM _honker_live")).isZero();
		});
	}

	@Test
	void awaitingWithoutAWorkerTimesOutWithAClearException() {
		SchedulerContexts.runner(this.pool).run(context -> {
			TaskHandle<Integer> sum = context.getBean(HonkerTasks.class).client(Math.class).add(1, 2);
			assertThatExceptionOfType(TaskTimeoutException.class).isThrownBy(() -> sum.await(Duration.ofMillis(300)))
				.withMessageContaining("task 'math.add' (job " + sum.id() + ") has no result after waiting PT0.3S")
				.satisfies(ex -> assertThat(ex.getJobId()).isEqualTo(sum.id()));
			assertThat(sum.result()).isEmpty();
		});
	}

	@Test
	void argumentsJacksonCannotWriteFailBeforeAnythingIsWritten() {
		SchedulerContexts.runner(this.pool).run(context -> {
			HonkerTasks tasks = context.getBean(HonkerTasks.class);
			assertThatExceptionOfType(HonkerPayloadException.class)
				.isThrownBy(() -> tasks.call(TaskCall.of("math", "greet").withArgs(new Unwritable()), String.class))
				.withMessageContaining("cannot be read");
			assertThat(count("SELECT count(*) FROM _honker_live")).isZero();
		});
	}

	@Test
	void jobsWithoutTheEnvelopeOrWithAnUnknownTaskFailWithHonkersMessages() throws Exception {
		worker().run(context -> {
			long raw = HonkerTestPool.enqueue(this.pool, "math", "{\"x\": 1}", 3);
			long unknown = HonkerTestPool.enqueue(this.pool, "math",
					"{\"__honker_task__\": {\"task\": \"nope\", \"args\": [], \"kwargs\": {}}}", 3);
			await().atMost(LONG).until(() -> count("SELECT count(*) FROM _honker_dead") == 2);
			assertThat(lastError(raw)).isEqualTo("raw (non-decorated) payload on a decorated-task queue");
			assertThat(lastError(unknown)).isEqualTo(
					"unknown task: 'nope'. Registered tasks: ['greet', 'math.add', 'math.fail', 'nothing', 'quiet']");
		});
	}

	@Test
	void aFailingTaskIsRetriedUntilItsAttemptsAreUsedUp() {
		worker().run(context -> {
			TaskHandle<Integer> failing = context.getBean(HonkerTasks.class).client(Math.class).fail("boom");
			assertThatExceptionOfType(TaskFailedException.class).isThrownBy(() -> failing.await(LONG))
				.withMessageContaining("java.lang.IllegalStateException: boom");
			assertThat(this.jdbc.queryForObject("SELECT attempts FROM _honker_dead WHERE id = ?", Long.class,
					failing.id()))
				.isEqualTo(2);
			assertThat(count("SELECT count(*) FROM _honker_results")).isZero();
		});
	}

	@Test
	void aTaskWithoutStoredResultsLeavesNoResultRow() {
		worker().run(context -> {
			TaskHandle<Integer> quiet = context.getBean(HonkerTasks.class)
				.call(TaskCall.of("math", "quiet"), Integer.class);
			await().atMost(LONG).until(() -> count("SELECT count(*) FROM _honker_live") == 0);
			assertThat(count("SELECT count(*) FROM _honker_results")).isZero();
			assertThat(count("SELECT count(*) FROM _honker_dead")).isZero();
			assertThat(quiet.result()).isEmpty();
		});
	}

	/**
	 * A Python {@code @queue.task} call (the row {@code add(7, 11)} writes, with
	 * {@code json.dumps} spacing) runs in Java; Python reads the result with
	 * {@code json.loads(honker_result_get(id))}.
	 */
	@Test
	void runsCallsThePythonBindingEnqueues() {
		worker().run(context -> {
			long id = HonkerTestPool.enqueue(this.pool, "math",
					"{\"__honker_task__\": {\"task\": \"math.add\", \"args\": [7], \"kwargs\": {\"b\": 11}}}", 3);
			await().atMost(LONG).until(() -> count("SELECT count(*) FROM _honker_results WHERE job_id = " + id) == 1);
			assertThat(this.jdbc.queryForObject("SELECT honker_result_get(?)", String.class, id)).isEqualTo("18");
		});
	}

	/**
	 * A Java call is run by a Python worker: it finds the envelope, claims the job,
	 * stores {@code json.dumps(result)} with {@code save_result} and acknowledges; the
	 * Java handle reads it.
	 */
	@Test
	void awaitsResultsAPythonWorkerStores() {
		SchedulerContexts.runner(this.pool).run(context -> {
			TaskHandle<Map> handle = context.getBean(HonkerTasks.class)
				.call(TaskCall.of("py", "py.tasks.stats").withArgs(List.of(1, 2, 3)), Map.class);
			String claimed = this.jdbc.queryForObject("SELECT honker_claim_batch('py', 'python-worker', 1, 300)",
					String.class);
			JsonNode job = JsonMapper.shared().readTree(claimed).get(0);
			JsonNode envelope = JsonMapper.shared().readTree(job.get("payload").asString()).get("__honker_task__");
			assertThat(envelope.get("task").asString()).isEqualTo("py.tasks.stats");
			assertThat(envelope.get("args").toString()).isEqualTo("[[1,2,3]]");
			this.jdbc.queryForObject("SELECT honker_result_save(?, ?, 3600)", Long.class, job.get("id").asLong(),
					"{\"sum\": 6, \"from\": \"py\"}");
			this.jdbc.queryForObject("SELECT honker_ack(?, 'python-worker')", Long.class, job.get("id").asLong());
			assertThat(handle.await(LONG)).containsEntry("sum", 6).containsEntry("from", "py");
		});
	}

	private long count(String sql) {
		return this.jdbc.queryForObject(sql, Long.class);
	}

	private String lastError(long id) {
		return this.jdbc.queryForObject("SELECT last_error FROM _honker_dead WHERE id = ?", String.class, id);
	}

	/** The caller's view of the math tasks. */
	interface Math {

		@HonkerTask(name = "math.add", queue = "math", retries = 2, priority = 7, expires = "600s")
		TaskHandle<Integer> add(int a, int b);

		@HonkerTask(name = "math.fail", queue = "math", retries = 2)
		TaskHandle<Integer> fail(String message);

	}

	/** The worker's task methods. */
	static class MathTasks {

		@HonkerTask(name = "math.add", queue = "math")
		int add(int a, int b) {
			return a + b;
		}

		@HonkerTask(name = "math.fail", queue = "math", retryDelay = "0s")
		int fail(String message) {
			throw new IllegalStateException(message);
		}

		@HonkerTask(name = "greet", queue = "math")
		String greet(String name, HonkerJob job, String greeting) {
			return greeting + ", " + name + " (job " + job.id() + ")";
		}

		@HonkerTask(name = "nothing", queue = "math")
		void nothing() {
		}

		@HonkerTask(name = "quiet", queue = "math", storeResult = false)
		int quiet() {
			return 1;
		}

	}

	/** A bean whose only property fails when read. */
	static class Unwritable {

		public String getSecret() {
			throw new IllegalStateException("cannot be read");
		}

	}

}
