package dev.honker.sqlite;

import static dev.honker.sqlite.TestDatabase.execute;
import static dev.honker.sqlite.TestDatabase.queryLong;
import static dev.honker.sqlite.TestDatabase.queryRows;
import static dev.honker.sqlite.TestDatabase.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input fails loudly with the function's name, and a failing call leaves the database
 * and the caller's open transaction exactly as they were; functions that write more than
 * once undo their partial work. Registration rejects foreign connections and is per
 * physical connection.
 */
class BadInputTests {

	@TempDir
	Path directory;

	Connection connection;

	@BeforeEach
	void open() throws SQLException {
		connection = TestDatabase.open(directory.resolve("bad.db"));
		execute(connection, "CREATE TABLE orders (id INTEGER PRIMARY KEY, ref TEXT NOT NULL)");
		queryLong(connection, "SELECT honker_enqueue('q', '{\"existing\":true}', NULL, NULL, 0, 3, NULL)");
		queryLong(connection, "SELECT notify('c', '{}')");
	}

	@AfterEach
	void close() throws SQLException {
		connection.close();
	}

	@Test
	void aFunctionStillWorksAfterOneOfItsNestedStatementsFailed() throws SQLException {
		execute(connection, "PRAGMA query_only = ON");
		assertThatThrownBy(() -> queryLong(connection, "SELECT honker_enqueue('q', '1', NULL, NULL, 0, 3, NULL)"))
			.isInstanceOf(SQLException.class)
			.hasMessageContaining("honker_enqueue")
			.hasMessageContaining("readonly");
		execute(connection, "PRAGMA query_only = OFF");
		long id = queryLong(connection, "SELECT honker_enqueue('q', '2', NULL, NULL, 0, 3, NULL)");
		assertThat(queryString(connection, "SELECT payload FROM _honker_live WHERE id = ?", id)).isEqualTo("2");
	}

	@Test
	void nonTextPayload() throws Exception {
		assertFailsInsideAnOpenTransaction("SELECT honker_enqueue('q', 42, NULL, NULL, 0, 3, NULL)",
				"honker_enqueue: Invalid function parameter type Integer at index 1 (payload must be Text)");
		assertFailsInsideAnOpenTransaction("SELECT honker_enqueue('q', X'7B7D', NULL, NULL, 0, 3, NULL)",
				"honker_enqueue: Invalid function parameter type Blob at index 1 (payload must be Text)");
	}

	@Test
	void nullQueue() throws Exception {
		assertFailsInsideAnOpenTransaction("SELECT honker_enqueue(NULL, '{}', NULL, NULL, 0, 3, NULL)",
				"honker_enqueue: Invalid function parameter type Null at index 0 (queue must be Text)");
		assertFailsInsideAnOpenTransaction("SELECT honker_claim_batch(NULL, 'w', 1, 60)",
				"honker_claim_batch: Invalid function parameter type Null at index 0 (queue must be Text)");
	}

	@Test
	void nonJsonBatchAckReportsSqlitesReasonWithoutTheDriversWrapping() throws Exception {
		assertFailsInsideAnOpenTransaction("SELECT honker_ack_batch('1,2,3', 'w')",
				"[SQLITE_ERROR] SQL error or missing database (honker_ack_batch: malformed JSON)");
	}

	@Test
	void failingClaimUndoesItsPartialWorkInAutocommit() throws Exception {
		long conflicting = prepareClaimThatFailsHalfway();
		List<List<Object>> before = snapshot();

		assertThatThrownBy(() -> queryString(connection, "SELECT honker_claim_batch('q', 'w', 10, 60)"))
			.isInstanceOf(SQLException.class)
			.hasMessageEndingWith("(honker_claim_batch: UNIQUE constraint failed: _honker_dead.id)");

		assertThat(snapshot()).isEqualTo(before);
		assertThat(queryRows(connection, "SELECT id FROM _honker_dead")).containsExactly(List.of((int) conflicting));
	}

	@Test
	void failingClaimUndoesItsPartialWorkInsideAnOpenTransaction() throws Exception {
		prepareClaimThatFailsHalfway();

		assertFailsInsideAnOpenTransaction("SELECT honker_claim_batch('q', 'w', 10, 60)",
				"(honker_claim_batch: UNIQUE constraint failed: _honker_dead.id)");
	}

	@Test
	void foreignConnectionIsRejected() {
		Connection foreign = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { Connection.class }, (proxy, method, arguments) -> {
					if (method.getName().equals("isWrapperFor")) {
						return false;
					}
					throw new UnsupportedOperationException(method.getName());
				});

		assertThatThrownBy(() -> HonkerFunctions.register(foreign)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("sqlite-jdbc")
			.hasMessageContaining(foreign.getClass().getName());
		assertThatThrownBy(() -> HonkerFunctions.register(null)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("connection must not be null");
	}

	@Test
	void registeringTwiceIsHarmless() throws Exception {
		assertThat(HonkerFunctions.isRegistered(connection)).isTrue();

		HonkerFunctions.register(connection);
		HonkerFunctions.register(connection);

		long id = queryLong(connection, "SELECT honker_enqueue('twice', '{}', NULL, NULL, 0, 3, NULL)");
		assertThat(queryRows(connection, "SELECT id FROM _honker_live WHERE queue = 'twice'"))
			.containsExactly(List.of((int) id));
	}

	@Test
	void eachConnectionRunsItsFunctionsOnItself() throws Exception {
		try (Connection other = TestDatabase.open(directory.resolve("bad.db"))) {
			connection.setAutoCommit(false);
			long uncommitted = queryLong(connection, "SELECT honker_enqueue('mine', '{}', NULL, NULL, 0, 3, NULL)");

			assertThat(queryString(connection, "SELECT honker_get_job(?)", uncommitted)).contains("\"queue\":\"mine\"");
			assertThat(queryString(other, "SELECT honker_get_job(?)", uncommitted)).isEmpty();

			connection.rollback();
			connection.setAutoCommit(true);
		}
	}

	@Test
	void concurrentCallsOnTwoConnectionsKeepTheirOwnArguments() throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			List<Future<List<String>>> results = new ArrayList<>();
			for (String queue : List.of("left", "right")) {
				results.add(threads.submit(() -> enqueueAndReadBack(queue, 300)));
			}
			for (Future<List<String>> result : results) {
				assertThat(result.get(2, TimeUnit.MINUTES)).isEmpty();
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(queryRows(connection, "SELECT queue, count(*) FROM _honker_live GROUP BY queue ORDER BY queue"))
			.containsExactly(List.of("left", 300), List.of("q", 1), List.of("right", 300));
	}

	/**
	 * Enqueues on its own connection and reads each job back through it; returns every
	 * mismatch.
	 */
	private List<String> enqueueAndReadBack(String queue, int jobs) throws SQLException {
		List<String> mismatches = new ArrayList<>();
		try (Connection own = TestDatabase.open(directory.resolve("bad.db"))) {
			for (int i = 0; i < jobs; i++) {
				String payload = "{\"" + queue + "\":" + i + "}";
				long id = queryLong(own, "SELECT honker_enqueue(?, ?, NULL, NULL, ?, 3, NULL)", queue, payload, i);
				String job = queryString(own, "SELECT honker_get_job(?)", id);
				String expected = "\"payload\":\"" + payload.replace("\"", "\\\"") + "\",\"priority\":" + i
						+ ",\"queue\":\"" + queue + "\"";
				if (!job.contains(expected)) {
					mismatches.add(job);
				}
			}
		}
		return mismatches;
	}

	/**
	 * Sets up a claim whose first write (dead-lettering an expired claim on its last
	 * attempt) succeeds and whose second (dead-lettering an exhausted pending job) hits
	 * an existing dead row with the same id. Returns that id.
	 */
	private long prepareClaimThatFailsHalfway() throws SQLException {
		long expiredLastAttempt = queryLong(connection, "SELECT honker_enqueue('q', '{}', NULL, NULL, 9, 1, NULL)");
		queryString(connection, "SELECT honker_claim_batch('q', 'crashed', 1, 60)");
		execute(connection, "UPDATE _honker_live SET claim_expires_at = unixepoch() - 1 WHERE id = ?",
				expiredLastAttempt);
		long exhausted = queryLong(connection, "SELECT honker_enqueue('q', '{}', NULL, NULL, 5, 0, NULL)");
		execute(connection, "INSERT INTO _honker_dead (id, queue, payload, last_error) VALUES (?, 'q', 'old', 'old')",
				exhausted);
		return exhausted;
	}

	private void assertFailsInsideAnOpenTransaction(String sql, String... messageParts) throws SQLException {
		connection.setAutoCommit(false);
		execute(connection, "INSERT INTO orders (ref) VALUES ('kept')");
		List<List<Object>> before = snapshot();

		var failure = assertThatThrownBy(() -> queryString(connection, sql)).isInstanceOf(SQLException.class);
		for (String part : messageParts) {
			failure.hasMessageContaining(part);
		}

		assertThat(connection.getAutoCommit()).isFalse();
		assertThat(snapshot()).isEqualTo(before);
		connection.commit();
		connection.setAutoCommit(true);
		try (Connection other = TestDatabase.open(directory.resolve("bad.db"))) {
			assertThat(queryRows(other, "SELECT ref FROM orders")).contains(List.of("kept"));
			assertThat(snapshotOf(other)).isEqualTo(before);
		}
		execute(connection, "DELETE FROM orders");
	}

	private List<List<Object>> snapshot() throws SQLException {
		return snapshotOf(connection);
	}

	private static List<List<Object>> snapshotOf(Connection connection) throws SQLException {
		List<List<Object>> rows = new ArrayList<>();
		rows.addAll(queryRows(connection, "SELECT 'live', * FROM _honker_live ORDER BY id"));
		rows.addAll(queryRows(connection, "SELECT 'dead', * FROM _honker_dead ORDER BY id"));
		rows.addAll(queryRows(connection, "SELECT 'notification', * FROM _honker_notifications ORDER BY id"));
		rows.addAll(queryRows(connection, "SELECT 'order', * FROM orders ORDER BY id"));
		rows.addAll(queryRows(connection, "SELECT 'sequence', * FROM sqlite_sequence ORDER BY name"));
		return rows;
	}

}
