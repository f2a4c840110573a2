package dev.honker.spring.listener;

import java.time.Instant;

/**
 * A job this worker has claimed, as honker_claim_batch returned it, plus its max_attempts
 * and run_at.
 */
record ClaimedJob(long id, String queue, String payload, String workerId, long attempts, long maxAttempts, long runAt,
		long claimExpiresAt) {

	HonkerJob metadata() {
		return new HonkerJob(this.id, this.queue, this.attempts, this.maxAttempts, Instant.ofEpochSecond(this.runAt),
				Instant.ofEpochSecond(this.claimExpiresAt), this.workerId);
	}
}
