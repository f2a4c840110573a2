package dev.honker.spring.core;

import java.nio.file.Path;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.honker.spring.core.HonkerDeadLetters.Result;
import dev.honker.spring.listener.HonkerTestPool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link HonkerDeadLetters} on a real SQLite file: jobs die through the Honker functions,
 * and come back as jobs the functions claim again.
 */
class HonkerDeadLettersTests {

	@TempDir
	Path directory;

	private HikariDataSource pool;

	private JdbcTemplate jdbc;

	private HonkerDeadLetters deadLetters;

	@BeforeEach
	void open() {
		this.pool = HonkerTestPool.pool(this.directory.resolve("app.db"));
		this.jdbc = new JdbcTemplate(this.pool);
		this.deadLetters = new HonkerDeadLetters(this.pool);
	}

	@AfterEach
	void close() {
		this.pool.close();
	}

	@Test
	void requeueKeepsQueuePayloadPriorityAndMaxAttemptsAndResetsAttempts() {
		long id = deadJob("mail", "{\"to\":\"alice\"}", 7, 2);
		Map<String, Object> dead = this.jdbc.queryForMap("SELECT * FROM _honker_dead WHERE id = ?", id);
		assertThat(this.deadLetters.requeue(id)).isEqualTo(Result.DONE);
		assertThat(this.jdbc.queryForObject("SELECT count(*) FROM _honker_dead", Long.class)).isZero();
		Map<String, Object> live = this.jdbc
			.queryForMap(
					"SELECT id, queue, payload, priority, max_attempts, attempts, state, worker_id, claim_expires_at, "
							+ "created_at, expires_at, run_at <= unixepoch() AS due FROM _honker_live WHERE id = ?",
					id);
		assertThat(live).containsEntry("queue", "mail")
			.containsEntry("payload", "{\"to\":\"alice\"}")
			.containsEntry("priority", 7)
			.containsEntry("max_attempts", 2)
			.containsEntry("attempts", 0)
			.containsEntry("state", "pending")
			.containsEntry("worker_id", null)
			.containsEntry("claim_expires_at", null)
			.containsEntry("expires_at", null)
			.containsEntry("created_at", dead.get("created_at"))
			.containsEntry("due", 1);
		assertThat(this.jdbc.queryForObject("SELECT count(*) FROM _honker_notifications", Long.class)).isZero();
		String claimed = this.jdbc.queryForObject("SELECT honker_claim_batch('mail', 'w2', 1, 60)", String.class);
		assertThat(claimed).contains("\"id\":" + id).contains("\"attempts\":1");
	}

	@Test
	void requeueAllMovesEveryDeadJobOfTheQueueOnly() {
		long first = deadJob("mail", "1", 0, 1);
		long second = deadJob("mail", "2", 0, 1);
		long other = deadJob("other", "3", 0, 1);
		assertThat(this.deadLetters.requeueAll("mail")).isEqualTo(2);
		assertThat(this.jdbc.queryForList("SELECT id FROM _honker_live ORDER BY id", Long.class)).containsExactly(first,
				second);
		assertThat(this.jdbc.queryForList("SELECT id FROM _honker_dead", Long.class)).containsExactly(other);
		assertThat(this.deadLetters.requeueAll("mail")).isZero();
	}

	@Test
	void deleteRemovesTheDeadRow() {
		long id = deadJob("mail", "1", 0, 1);
		assertThat(this.deadLetters.delete(id)).isEqualTo(Result.DONE);
		assertThat(this.jdbc.queryForObject("SELECT count(*) FROM _honker_dead", Long.class)).isZero();
		assertThat(this.deadLetters.delete(id)).isEqualTo(Result.NOT_FOUND);
	}

	@Test
	void refusesJobsThatAreNotDeadAndChangesNothing() {
		long live = this.jdbc.queryForObject("SELECT honker_enqueue('mail', '{}', NULL, NULL, 0, 3, NULL)", Long.class);
		assertThat(this.deadLetters.requeue(live)).isEqualTo(Result.NOT_DEAD);
		assertThat(this.deadLetters.delete(live)).isEqualTo(Result.NOT_DEAD);
		assertThat(this.deadLetters.requeue(live + 100)).isEqualTo(Result.NOT_FOUND);
		assertThat(this.jdbc.queryForObject("SELECT attempts FROM _honker_live WHERE id = ?", Long.class, live))
			.isZero();
		assertThatIllegalArgumentException().isThrownBy(() -> this.deadLetters.requeueAll(""))
			.withMessage("queue must not be empty, got ''");
	}

	/** Enqueues, claims and fails a job through the Honker functions. */
	private long deadJob(String queue, String payload, long priority, long maxAttempts) {
		long id = this.jdbc.queryForObject("SELECT honker_enqueue(?, ?, NULL, NULL, ?, ?, NULL)", Long.class, queue,
				payload, priority, maxAttempts);
		this.jdbc.queryForObject("SELECT honker_claim_batch(?, 'w1', 100, 60)", String.class, queue);
		assertThat(this.jdbc.queryForObject("SELECT honker_fail(?, 'w1', 'boom')", Long.class, id)).isEqualTo(1);
		return id;
	}

}
