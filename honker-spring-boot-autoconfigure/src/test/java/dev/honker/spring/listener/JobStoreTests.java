package dev.honker.spring.listener;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link JobStore#ackAndClaim} takes SQLite's write lock only when there is something to
 * acknowledge, claim or dead-letter; acknowledgements allowed to wait for a claim are
 * written only with one; claimed jobs carry what the claim's JSON and the details read
 * say, pass after pass on the same pooled connections.
 */
class JobStoreTests extends PooledDatabaseTests {

	@Test
	void aClaimWithNothingClaimableOnlyReadsEvenWhileAnotherWriterHoldsTheLock() throws Exception {
		JobStore store = new JobStore(this.pool);
		HonkerTestPool.enqueue(this.pool, "other", "{}", 3);
		try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + this.file);
				Statement statement = writer.createStatement()) {
			statement.execute("PRAGMA busy_timeout=0");
			statement.execute("BEGIN IMMEDIATE");
			statement
				.execute("INSERT INTO _honker_live (queue, payload, run_at) VALUES ('q', '{}', unixepoch() + 3600)");
			JobStore.ClaimResult result = store.ackAndClaim("q", "w", List.of(), 4, 30, false);
			assertThat(result.jobs()).isEmpty();
			assertThat(result.acked()).isZero();
			statement.execute("ROLLBACK");
		}
	}

	@Test
	void claimsDueJobsAndExpiredClaimsButNotDelayedOnes() throws Exception {
		JobStore store = new JobStore(this.pool);
		try (Connection connection = this.pool.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("""
					INSERT INTO _honker_live (queue, payload, run_at) VALUES
					  ('q', '"due"', unixepoch() - 1), ('q', '"later"', unixepoch() + 3600)""");
			statement.execute("""
					INSERT INTO _honker_live (queue, payload, state, worker_id, claim_expires_at, attempts)
					VALUES ('q', '"expired"', 'processing', 'crashed', unixepoch() - 5, 1)""");
		}
		List<ClaimedJob> claimed = store.ackAndClaim("q", "w", List.of(), 4, 30, false).jobs();
		assertThat(claimed).extracting(ClaimedJob::payload).containsExactlyInAnyOrder("\"due\"", "\"expired\"");
		assertThat(store.ackAndClaim("q", "w", List.of(), 4, 30, false).jobs()).isEmpty();
		JobStore.ClaimResult acked = store.ackAndClaim("q", "w", claimed.stream().map(ClaimedJob::id).toList(), 0, 30,
				false);
		assertThat(acked.acked()).isEqualTo(2);
	}

	@Test
	void acknowledgementsAllowedToWaitAreWrittenOnlyWithAClaim() throws Exception {
		JobStore store = new JobStore(this.pool);
		HonkerTestPool.enqueue(this.pool, "q", "{}", 3);
		List<Long> finished = store.ackAndClaim("q", "w", List.of(), 4, 30, false)
			.jobs()
			.stream()
			.map(ClaimedJob::id)
			.toList();
		assertThat(finished).hasSize(1);

		JobStore.ClaimResult waiting = store.ackAndClaim("q", "w", finished, 4, 30, true);
		assertThat(waiting.acksWaiting()).isTrue();
		assertThat(waiting.acked()).isZero();
		assertThat(
				HonkerTestPool.queryLong(this.pool, "SELECT count(*) FROM _honker_live WHERE id = ?", finished.get(0)))
			.as("the finished job is still live")
			.isOne();

		HonkerTestPool.enqueue(this.pool, "q", "{}", 3);
		JobStore.ClaimResult withClaim = store.ackAndClaim("q", "w", finished, 4, 30, true);
		assertThat(withClaim.acksWaiting()).isFalse();
		assertThat(withClaim.acked()).isOne();
		assertThat(withClaim.jobs()).hasSize(1);
		assertThat(
				HonkerTestPool.queryLong(this.pool, "SELECT count(*) FROM _honker_live WHERE id = ?", finished.get(0)))
			.isZero();
	}

	@Test
	void claimedJobsCarryTheClaimAndTheirDetailsPassAfterPass() throws Exception {
		JobStore store = new JobStore(this.pool);
		for (int pass = 0; pass < 3; pass++) {
			long first = HonkerTestPool.enqueue(this.pool, "q", "{\"n\":" + pass + "}", 3);
			long second = HonkerTestPool.enqueue(this.pool, "q", "\"text\"", 7);
			long now = HonkerTestPool.queryLong(this.pool, "SELECT unixepoch()");
			List<ClaimedJob> claimed = store.ackAndClaim("q", "w", List.of(), 4, 30, false).jobs();
			assertThat(claimed).extracting(ClaimedJob::id).containsExactly(first, second);
			ClaimedJob job = claimed.get(0);
			assertThat(job.queue()).isEqualTo("q");
			assertThat(job.payload()).isEqualTo("{\"n\":" + pass + "}");
			assertThat(job.workerId()).isEqualTo("w");
			assertThat(job.attempts()).isOne();
			assertThat(job.maxAttempts()).isEqualTo(3);
			// enqueued before now was read, claimed after; a loaded machine may take
			// seconds
			assertThat(job.runAt()).isBetween(now - 60, now);
			assertThat(job.claimExpiresAt()).isBetween(now + 30, now + 90);
			assertThat(claimed.get(1).payload()).isEqualTo("\"text\"");
			assertThat(claimed.get(1).maxAttempts()).isEqualTo(7);
			JobStore.ClaimResult acked = store.ackAndClaim("q", "w", List.of(first, second), 0, 30, false);
			assertThat(acked.acked()).isEqualTo(2);
		}
	}

	@Test
	void theClaimsJsonIsReadInOrderSkippingFieldsItDoesNotUse() {
		List<ClaimedJob> jobs = JobStore.readClaimed("""
				[{"id":2,"queue":"q","payload":"{\\"a\\":[1,{}]}","worker_id":"w","attempts":1,
				  "claim_expires_at":100,"extra":{"nested":[1,2,{"x":null}]}},
				 {"claim_expires_at":101,"attempts":2,"worker_id":"w","payload":"[]","queue":"q","id":1}]""");
		assertThat(jobs).extracting(ClaimedJob::id).containsExactly(2L, 1L);
		assertThat(jobs.get(0).payload()).isEqualTo("{\"a\":[1,{}]}");
		assertThat(jobs.get(0).claimExpiresAt()).isEqualTo(100);
		assertThat(jobs.get(1).attempts()).isEqualTo(2);
		assertThat(jobs.get(1).payload()).isEqualTo("[]");
		assertThat(JobStore.readClaimed("[]")).isEmpty();
	}

	@Test
	void aClaimJsonWithoutAPayloadIsAClearError() {
		assertThatIllegalStateException()
			.isThrownBy(() -> JobStore.readClaimed("[{\"id\":5,\"queue\":\"q\",\"worker_id\":\"w\"}]"))
			.withMessage("honker_claim_batch returned job 5 without its queue, payload or worker_id");
		assertThatIllegalStateException().isThrownBy(() -> JobStore.readClaimed("{}"))
			.withMessageContaining("no JSON array");
	}

}
