package dev.honker.sqlite;

import static dev.honker.sqlite.TestDatabase.execute;
import static dev.honker.sqlite.TestDatabase.queryLong;
import static dev.honker.sqlite.TestDatabase.queryRows;
import static dev.honker.sqlite.TestDatabase.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Honker bugs fixed before 0.4 that concern the SQL layer stay fixed
 * (docs/compatibility.md, How this implementation matches); one test per pitfall.
 */
class SqlPitfallsTests {

	@TempDir
	Path directory;

	Connection connection;

	@BeforeEach
	void open() throws SQLException {
		connection = TestDatabase.open(directory.resolve("pitfalls.db"));
	}

	@AfterEach
	void close() throws SQLException {
		connection.close();
	}

	/** #1: the dead table has Python's ten columns, and every path into it fills them. */
	@Test
	void pitfall1DeadRowsHaveAllTenColumns() throws Exception {
		assertThat(queryLong(connection, "SELECT count(*) FROM pragma_table_info('_honker_dead')")).isEqualTo(10);
		long failed = claimed("q", 3);
		queryLong(connection, "SELECT honker_fail(?, 'w', 'failed')", failed);
		long retried = claimed("q", 1);
		queryLong(connection, "SELECT honker_retry(?, 'w', 0, 'retried')", retried);
		long swept = enqueue("q", 3);
		execute(connection, "UPDATE _honker_live SET expires_at = unixepoch() - 1 WHERE id = ?", swept);
		queryLong(connection, "SELECT honker_sweep_expired('q')");
		long exhausted = enqueue("q", 0);
		queryString(connection, "SELECT honker_claim_batch('q', 'w', 1, 60)");

		assertThat(queryRows(connection, """
				SELECT id, queue, payload, priority, run_at > 0, attempts, max_attempts, last_error,
				       created_at > 0, died_at >= created_at
				  FROM _honker_dead ORDER BY id""")).containsExactly(
				List.of((int) failed, "q", "{}", 0, 1, 1, 3, "failed", 1, 1),
				List.of((int) retried, "q", "{}", 0, 1, 1, 1, "retried", 1, 1),
				List.of((int) swept, "q", "{}", 0, 1, 0, 3, "expired", 1, 1),
				List.of((int) exhausted, "q", "{}", 0, 1, 0, 0, "max attempts exceeded", 1, 1));
	}

	/** #2: batch ack deletes the rows; there is no 'done' state. */
	@Test
	void pitfall2BatchAckDeletes() throws Exception {
		long first = claimed("q", 3);
		long second = claimed("q", 3);

		assertThat(queryLong(connection, "SELECT honker_ack_batch(?, 'w')", "[" + first + "," + second + "]"))
			.isEqualTo(2);

		assertThat(queryLong(connection, "SELECT count(*) FROM _honker_live")).isZero();
		assertThat(queryLong(connection, "SELECT count(*) FROM _honker_dead")).isZero();
	}

	/**
	 * #4: a job whose workers keep crashing is dead-lettered by the claim after its last
	 * attempt.
	 */
	@Test
	void pitfall4CrashLoopEndsInTheDeadTable() throws Exception {
		long id = enqueue("q", 3);
		for (int attempt = 1; attempt <= 3; attempt++) {
			assertThat(queryString(connection, "SELECT honker_claim_batch('q', ?, 1, 60)", "crashing-" + attempt))
				.contains("\"attempts\":" + attempt);
			execute(connection, "UPDATE _honker_live SET claim_expires_at = unixepoch() - 1 WHERE id = ?", id);
		}

		assertThat(queryString(connection, "SELECT honker_claim_batch('q', 'w', 1, 60)")).isEqualTo("[]");
		assertThat(queryRows(connection, "SELECT id, attempts, last_error FROM _honker_dead"))
			.containsExactly(List.of((int) id, 3, "max attempts exceeded"));
	}

	/** #4: an exhausted in-flight claim is no deadline, so it causes no endless wakes. */
	@Test
	void pitfall4ExhaustedClaimIsNoNextClaimDeadline() throws Exception {
		claimed("q", 1);

		assertThat(queryLong(connection, "SELECT honker_queue_next_claim_at('q')")).isZero();
	}

	/** #5: queue operations write no synthetic wake rows into the notification log. */
	@Test
	void pitfall5NoSyntheticWakeNotifications() throws Exception {
		for (int i = 0; i < 50; i++) {
			enqueue("q", 3);
		}
		queryString(connection, "SELECT honker_claim_batch('q', 'w', 10, 60)");
		queryLong(connection, "SELECT honker_ack(1, 'w')");
		queryLong(connection, "SELECT honker_retry(2, 'w', 0, 'again')");
		queryLong(connection, "SELECT honker_fail(3, 'w', 'no')");
		queryLong(connection, "SELECT honker_heartbeat(4, 'w', 60)");
		queryLong(connection, "SELECT honker_cancel(5)");
		queryLong(connection, "SELECT honker_sweep_expired('q')");

		assertThat(queryLong(connection, "SELECT count(*) FROM _honker_notifications")).isZero();
	}

	/**
	 * #7: a heartbeat after the claim expired cannot take the job back from its
	 * reclaimer.
	 */
	@Test
	void pitfall7LateHeartbeatDoesNotStealTheJob() throws Exception {
		long id = claimed("q", 3);
		execute(connection, "UPDATE _honker_live SET claim_expires_at = unixepoch() - 1 WHERE id = ?", id);
		assertThat(queryString(connection, "SELECT honker_claim_batch('q', 'reclaimer', 1, 60)"))
			.contains("\"id\":" + id);

		assertThat(queryLong(connection, "SELECT honker_heartbeat(?, 'w', 600)", id)).isZero();
		assertThat(queryLong(connection, "SELECT honker_ack(?, 'w')", id)).isZero();
		assertThat(queryLong(connection, "SELECT honker_ack(?, 'reclaimer')", id)).isEqualTo(1);
	}

	/**
	 * #24: integers are compared as integers (priority 100 beats 10 beats 9), and REAL is
	 * refused, not coerced.
	 */
	@Test
	void pitfall24IntegersStayIntegers() throws Exception {
		for (Object priority : new Object[] { 9, 100L, 10 }) {
			queryLong(connection, "SELECT honker_enqueue('q', ?, NULL, NULL, ?, 3, NULL)", "p" + priority, priority);
		}
		assertThat(queryString(connection, "SELECT group_concat(typeof(priority)) FROM _honker_live"))
			.isEqualTo("integer,integer,integer");

		StringBuilder order = new StringBuilder();
		for (int i = 0; i < 3; i++) {
			order.append(queryString(connection,
					"SELECT value ->> 'payload' FROM json_each(honker_claim_batch('q', 'w', 1, 60))"));
		}
		assertThat(order).hasToString("p100p10p9");

		try (PreparedStatement statement = connection
			.prepareStatement("SELECT honker_enqueue('q', '{}', NULL, NULL, ?, 3, NULL)")) {
			statement.setDouble(1, 1.0);
			assertThatThrownBy(() -> {
				try (ResultSet ignored = statement.executeQuery()) {
					// the call fails while stepping
				}
			}).isInstanceOf(SQLException.class).hasMessageContaining("Real at index 4 (priority must be Integer)");
		}
	}

	/**
	 * #26: the claimable-rows query repeats {@code state IN ('pending', 'processing')} so
	 * that the planner can use the partial claim index; without it the same query cannot.
	 */
	@Test
	void pitfall26ClaimNeedsTheRedundantStatePredicateForThePartialIndex() throws Exception {
		String redundant = "state IN ('pending', 'processing')";
		assertThat(QueueFunctions.CLAIMABLE_IN_ORDER).contains(redundant);
		String withoutIt = QueueFunctions.CLAIMABLE_IN_ORDER.replace("AND " + redundant, "");

		assertThat(plan(QueueFunctions.CLAIMABLE_IN_ORDER)).contains("USING INDEX _honker_live_claim")
			.doesNotContain("TEMP B-TREE");
		assertThat(plan(withoutIt)).doesNotContain("_honker_live_claim");
	}

	private String plan(String query) throws SQLException {
		return String.join("\n",
				queryRows(connection, "EXPLAIN QUERY PLAN " + query, "q", 0).stream()
					.map(row -> (String) row.get(3))
					.toList());
	}

	private long enqueue(String queue, int maxAttempts) throws SQLException {
		return queryLong(connection, "SELECT honker_enqueue(?, '{}', NULL, NULL, 0, ?, NULL)", queue, maxAttempts);
	}

	/** Enqueues a job and claims it for worker 'w'. */
	private long claimed(String queue, int maxAttempts) throws SQLException {
		long id = enqueue(queue, maxAttempts);
		assertThat(queryString(connection, "SELECT honker_claim_batch(?, 'w', 1, 60)", queue)).contains("\"id\":" + id);
		return id;
	}

}
