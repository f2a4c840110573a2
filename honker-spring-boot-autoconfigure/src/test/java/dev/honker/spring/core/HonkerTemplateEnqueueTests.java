package dev.honker.spring.core;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link HonkerTemplate#enqueue} and {@link HonkerTemplate#enqueueAll}, which insert the
 * job rows themselves: the rows must be exactly those {@code honker_enqueue} writes.
 */
class HonkerTemplateEnqueueTests {

	/** Every column but the id; times relative to created_at, which both write. */
	/**
	 * A job's row with its times relative to {@code created_at}, except a run_at given as
	 * an instant (years away), which compares as itself: rows written by two statements
	 * may be created a second apart.
	 */
	private static final String ROW = """
			SELECT queue, payload, state, priority,
			       CASE WHEN run_at - created_at > 100000000 THEN run_at ELSE run_at - created_at END,
			       max_attempts, attempts,
			       expires_at - created_at, worker_id, claim_expires_at,
			       typeof(run_at) || typeof(priority) || typeof(max_attempts) || typeof(expires_at)
			  FROM _honker_live WHERE id = ?""";

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return TemplateContexts.runner(this.directory.resolve("app.db"));
	}

	@Test
	void enqueueWritesTheRowHonkerEnqueueWrites() {
		runner().run(context -> {
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			JdbcTemplate jdbc = jdbc(context);
			Map<JobOptions, String> cases = Map.of(JobOptions.defaults(), "NULL, NULL, 0, 3, NULL",
					JobOptions.defaults().withDelay(Duration.ofSeconds(90)), "NULL, 90, 0, 3, NULL",
					JobOptions.defaults().withRunAt(Instant.ofEpochSecond(4_000_000_000L)),
					"4000000000, NULL, 0, 3, NULL",
					JobOptions.defaults().withPriority(-4).withMaxAttempts(9).withExpires(Duration.ofMinutes(5)),
					"NULL, NULL, -4, 9, 300");
			cases.forEach((options, arguments) -> {
				Long byFunction = jdbc.queryForObject(
						"SELECT honker_enqueue('mail', '{\"to\":\"alice\"}', " + arguments + ")", Long.class);
				long byTemplate = honker.enqueueJson("mail", "{\"to\":\"alice\"}", options);
				long[] byBatch = honker.enqueueAll("mail", List.of(Map.of("to", "alice")), options);
				assertThat(jdbc.queryForList(ROW, byTemplate)).as("enqueue with %s", options)
					.isEqualTo(jdbc.queryForList(ROW, byFunction));
				assertThat(jdbc.queryForList(ROW, byBatch[0])).as("enqueueAll with %s", options)
					.isEqualTo(jdbc.queryForList(ROW, byFunction));
			});
		});
	}

	@Test
	void enqueueAllReturnsTheIdsInPayloadOrderAcrossStatements() {
		runner().run(context -> {
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			JdbcTemplate jdbc = jdbc(context);
			for (int size : List.of(1, 2, 3, 127, 128, 129, 300)) {
				List<Object> payloads = new ArrayList<>(IntStream.range(0, size).mapToObj(i -> (Object) i).toList());
				Collections.reverse(payloads);
				long[] ids = honker.enqueueAll("batch-" + size, payloads,
						JobOptions.defaults().withPriority(size).withDelay(Duration.ofSeconds(30)));
				assertThat(ids).hasSize(size).doesNotHaveDuplicates();
				for (int i = 0; i < size; i++) {
					assertThat(
							jdbc.queryForObject("SELECT payload FROM _honker_live WHERE id = ?", String.class, ids[i]))
						.as("payload of job %d of %d", i, size)
						.isEqualTo(String.valueOf(payloads.get(i)));
				}
				assertThat(jdbc.queryForObject("""
						SELECT count(*) FROM _honker_live
						 WHERE queue = ? AND priority = ? AND run_at - created_at = 30 AND state = 'pending'""",
						Long.class, "batch-" + size, size))
					.isEqualTo(size);
			}
		});
	}

	@Test
	void enqueueAllJoinsTheTransactionAndRollsBackWithIt() {
		runner().run(context -> {
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			TransactionTemplate transaction = context.getBean(TransactionTemplate.class);
			List<String> payloads = IntStream.range(0, 200).mapToObj(i -> "job " + i).toList();
			transaction.executeWithoutResult(status -> {
				honker.enqueueAll("q", payloads);
				status.setRollbackOnly();
			});
			assertThat(count(context)).isZero();
			long[] ids = transaction.execute(status -> honker.enqueueAll("q", payloads));
			assertThat(count(context)).isEqualTo(200);
			assertThat(jdbc(context).queryForList("SELECT payload FROM _honker_live ORDER BY id", String.class))
				.containsExactlyElementsOf(payloads.stream().map(p -> "\"" + p + "\"").toList());
			assertThat(ids).isSorted();
		});
	}

	@Test
	void enqueueAllWritesEveryPayloadBeforeTouchingTheDatabase() {
		runner().run(context -> {
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			assertThatExceptionOfType(HonkerPayloadException.class)
				.isThrownBy(
						() -> honker.enqueueAll("q", Arrays.asList("fine", null, new HonkerTemplateTests.Unwritable())))
				.withMessageContaining("payloads[2] of type " + HonkerTemplateTests.Unwritable.class.getName());
			assertThat(count(context)).isZero();
			assertThat(honker.enqueueAll("q", Arrays.asList("fine", null))).hasSize(2);
			assertThat(jdbc(context).queryForList("SELECT payload FROM _honker_live ORDER BY id", String.class))
				.containsExactly("\"fine\"", "null");
		});
	}

	@Test
	void enqueueAllValidatesItsArguments() {
		runner().run(context -> {
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			assertThat(honker.enqueueAll("q", List.of())).isEmpty();
			assertThatIllegalArgumentException().isThrownBy(() -> honker.enqueueAll(" ", List.of(1)))
				.withMessage("queue must not be empty, got ' '");
			assertThatIllegalArgumentException().isThrownBy(() -> honker.enqueueAll("q", null))
				.withMessage("payloads must not be null");
			assertThatIllegalArgumentException().isThrownBy(() -> honker.enqueueAll("q", List.of(1), null))
				.withMessage("options must not be null");
			assertThat(count(context)).isZero();
		});
	}

	private static JdbcTemplate jdbc(AssertableApplicationContext context) {
		return new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
	}

	private static long count(AssertableApplicationContext context) {
		return jdbc(context).queryForObject("SELECT count(*) FROM _honker_live", Long.class);
	}

}
