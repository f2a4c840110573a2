package dev.honker.sqlite;

import static dev.honker.sqlite.TestDatabase.execute;
import static dev.honker.sqlite.TestDatabase.queryLong;
import static dev.honker.sqlite.TestDatabase.queryRows;
import static org.assertj.core.api.Assertions.assertThat;

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
 * A business write and {@code honker_enqueue} in one transaction commit together or not
 * at all.
 */
class AtomicityTests {

	private static final int THREADS = 4;

	private static final int TRANSACTIONS_PER_THREAD = 2_000;

	@TempDir
	Path directory;

	Connection connection;

	@BeforeEach
	void open() throws SQLException {
		connection = TestDatabase.open(database());
		execute(connection, "CREATE TABLE orders (id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE)");
	}

	@AfterEach
	void close() throws SQLException {
		connection.close();
	}

	@Test
	void rolledBackTransactionLeavesNeitherTheOrderNorTheJob() throws Exception {
		connection.setAutoCommit(false);
		placeOrder(connection, "rolled-back");
		connection.rollback();
		connection.setAutoCommit(true);

		assertThat(queryLong(connection, "SELECT count(*) FROM orders")).isZero();
		assertThat(queryLong(connection, "SELECT count(*) FROM _honker_live")).isZero();
	}

	@Test
	void committedTransactionLeavesBoth() throws Exception {
		connection.setAutoCommit(false);
		placeOrder(connection, "committed");
		connection.commit();
		connection.setAutoCommit(true);

		assertThat(queryRows(connection, "SELECT ref FROM orders")).containsExactly(List.of("committed"));
		assertThat(queryRows(connection, "SELECT payload ->> 'ref' FROM _honker_live"))
			.containsExactly(List.of("committed"));
	}

	@Test
	void concurrentTransactionsNeverLeaveOrphans() throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(THREADS);
		try {
			List<Future<Integer>> committed = new ArrayList<>();
			for (int thread = 0; thread < THREADS; thread++) {
				int number = thread;
				committed.add(threads.submit(() -> placeOrders(number)));
			}
			int total = 0;
			for (Future<Integer> count : committed) {
				total += count.get(5, TimeUnit.MINUTES);
			}
			assertThat(total).isEqualTo(THREADS * TRANSACTIONS_PER_THREAD * 3 / 4);
		}
		finally {
			threads.shutdownNow();
		}

		int expected = THREADS * TRANSACTIONS_PER_THREAD * 3 / 4;
		assertThat(queryLong(connection, "SELECT count(*) FROM orders")).isEqualTo(expected);
		assertThat(queryLong(connection, "SELECT count(*) FROM _honker_live")).isEqualTo(expected);
		assertThat(queryLong(connection, """
				SELECT count(*) FROM _honker_live j
				 WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.ref = j.payload ->> 'ref')""")).isZero();
		assertThat(queryLong(connection, """
				SELECT count(*) FROM orders o
				 WHERE NOT EXISTS (SELECT 1 FROM _honker_live j WHERE j.payload ->> 'ref' = o.ref)""")).isZero();
		assertThat(queryLong(connection, "SELECT count(*) FROM orders WHERE ref LIKE '%-rolled-back'")).isZero();
		assertThat(queryLong(connection, "SELECT count(DISTINCT id) FROM _honker_live")).isEqualTo(expected);
	}

	/**
	 * Runs this thread's transactions on its own connection, rolling back every fourth;
	 * returns how many committed.
	 */
	private int placeOrders(int thread) throws SQLException {
		int committed = 0;
		try (Connection own = TestDatabase.open(database())) {
			execute(own, "PRAGMA busy_timeout=60000");
			for (int i = 0; i < TRANSACTIONS_PER_THREAD; i++) {
				boolean rollBack = i % 4 == 3;
				execute(own, "BEGIN IMMEDIATE");
				placeOrder(own, thread + "-" + i + (rollBack ? "-rolled-back" : ""));
				if (rollBack) {
					execute(own, "ROLLBACK");
				}
				else {
					execute(own, "COMMIT");
					committed++;
				}
			}
		}
		return committed;
	}

	private static void placeOrder(Connection connection, String ref) throws SQLException {
		execute(connection, "INSERT INTO orders (ref) VALUES (?)", ref);
		queryLong(connection, "SELECT honker_enqueue('orders', json_object('ref', ?), NULL, NULL, 0, 3, NULL)", ref);
	}

	private Path database() {
		return directory.resolve("shop.db");
	}

}
