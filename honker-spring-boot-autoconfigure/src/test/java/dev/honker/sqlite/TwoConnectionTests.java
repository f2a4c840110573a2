package dev.honker.sqlite;

import static dev.honker.sqlite.TestDatabase.execute;
import static dev.honker.sqlite.TestDatabase.queryLong;
import static dev.honker.sqlite.TestDatabase.queryRows;
import static dev.honker.sqlite.TestDatabase.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.BusyHandler;

/**
 * One connection enqueues inside an open transaction while another claims: the claimer
 * only ever sees committed jobs, and its claim waits for the producer's write lock
 * instead of failing.
 */
class TwoConnectionTests {

	@TempDir
	Path directory;

	Connection producer;

	Connection worker;

	@BeforeEach
	void open() throws SQLException {
		producer = TestDatabase.open(directory.resolve("shared.db"));
		worker = TestDatabase.open(directory.resolve("shared.db"));
		queryLong(producer, "SELECT honker_enqueue('q', 'committed-1', NULL, NULL, 0, 3, NULL)");
		queryLong(producer, "SELECT honker_enqueue('q', 'committed-2', NULL, NULL, 0, 3, NULL)");
	}

	@AfterEach
	void close() throws SQLException {
		producer.close();
		worker.close();
	}

	@Test
	void uncommittedJobsAreInvisibleToTheOtherConnection() throws Exception {
		producer.setAutoCommit(false);
		enqueueUncommitted(3);

		assertThat(queryLong(worker, "SELECT count(*) FROM _honker_live")).isEqualTo(2);
		assertThat(queryString(worker, "SELECT honker_get_job(3)")).isEmpty();

		producer.rollback();
		producer.setAutoCommit(true);
	}

	@Test
	void claimWaitingOnAnOpenTransactionThatRollsBackSeesOnlyCommittedJobs() throws Exception {
		producer.setAutoCommit(false);
		enqueueUncommitted(3);
		CompletableFuture<String> claim = claimWhenBlocked();

		producer.rollback();
		producer.setAutoCommit(true);

		assertThat(payloads(claim.get(30, TimeUnit.SECONDS))).containsExactlyInAnyOrder("committed-1", "committed-2");
	}

	@Test
	void claimWaitingOnAnOpenTransactionThatCommitsSeesItsJobsOnceCommitted() throws Exception {
		producer.setAutoCommit(false);
		enqueueUncommitted(3);
		CompletableFuture<String> claim = claimWhenBlocked();

		producer.commit();
		producer.setAutoCommit(true);

		assertThat(payloads(claim.get(30, TimeUnit.SECONDS))).containsExactlyInAnyOrder("committed-1", "committed-2",
				"open-1", "open-2", "open-3");
	}

	@Test
	void claimThatCannotGetTheWriteLockFailsAndChangesNothing() throws Exception {
		execute(worker, "PRAGMA busy_timeout=50");
		producer.setAutoCommit(false);
		enqueueUncommitted(1);

		assertThatThrownBy(() -> queryString(worker, "SELECT honker_claim_batch('q', 'w', 10, 60)"))
			.isInstanceOf(SQLException.class)
			.hasMessageContaining("locked");

		producer.commit();
		producer.setAutoCommit(true);
		assertThat(queryRows(worker, "SELECT DISTINCT state FROM _honker_live")).containsExactly(List.of("pending"));
	}

	private void enqueueUncommitted(int jobs) throws SQLException {
		for (int i = 1; i <= jobs; i++) {
			queryLong(producer, "SELECT honker_enqueue('q', ?, NULL, NULL, 0, 3, NULL)", "open-" + i);
		}
	}

	/**
	 * Starts claiming on another thread and returns once that claim is waiting for the
	 * producer's write lock: the worker's busy handler reports its first call, then keeps
	 * retrying.
	 */
	private CompletableFuture<String> claimWhenBlocked() throws Exception {
		CountDownLatch blocked = new CountDownLatch(1);
		BusyHandler.setHandler(worker, new BusyHandler() {
			@Override
			protected int callback(int previousCalls) {
				blocked.countDown();
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
				return previousCalls < 30_000 ? 1 : 0;
			}
		});
		CompletableFuture<String> claim = CompletableFuture.supplyAsync(this::claimAllInImmediateTransaction);
		assertThat(blocked.await(30, TimeUnit.SECONDS)).as("the claim waits for the producer's lock").isTrue();
		assertThat(claim).isNotDone();
		return claim;
	}

	/** Claims every claimable job in a BEGIN IMMEDIATE transaction, as workers should. */
	private String claimAllInImmediateTransaction() {
		try {
			execute(worker, "BEGIN IMMEDIATE");
			String claimed = queryString(worker, "SELECT honker_claim_batch('q', 'w', 100, 60)");
			execute(worker, "COMMIT");
			return claimed;
		}
		catch (SQLException e) {
			throw new IllegalStateException(e);
		}
	}

	private List<String> payloads(String claimJson) throws SQLException {
		return queryRows(worker, "SELECT value ->> 'payload' FROM json_each(?)", claimJson).stream()
			.map(row -> (String) row.get(0))
			.toList();
	}

}
