package dev.honker.spring.core;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Everything the database keeps about one job, live or dead, as
 * {@link HonkerStats#job(long)} reads it. Fields that the job's table or state does not
 * have are {@code null}.
 *
 * @param id the job id
 * @param queue the queue name
 * @param state {@code pending}, {@code processing} or {@code dead}
 * @param payload the payload's JSON text, whole
 * @param priority the claim priority
 * @param runAt when it is (or was) due
 * @param attempts how many times it was claimed
 * @param maxAttempts the claim limit
 * @param workerId the worker holding the claim (processing jobs)
 * @param claimExpiresAt when the claim runs out (processing jobs)
 * @param expiresAt when the job expires unclaimed (live jobs that have an expiry)
 * @param lastError why it died (dead jobs)
 * @param createdAt when it was enqueued
 * @param diedAt when it moved to the dead table (dead jobs)
 */
public record JobDetails(long id, String queue, String state, String payload, long priority, Instant runAt,
		long attempts, long maxAttempts, @Nullable String workerId, @Nullable Instant claimExpiresAt,
		@Nullable Instant expiresAt, @Nullable String lastError, Instant createdAt, @Nullable Instant diedAt) {

	/** Whether the job is in the dead table. */
	public boolean isDead() {
		return "dead".equals(this.state);
	}

}
