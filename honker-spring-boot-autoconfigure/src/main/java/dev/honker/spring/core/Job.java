package dev.honker.spring.core;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a job that is still pending or being processed (a row of
 * {@code _honker_live}), as {@link HonkerTemplate#job(long)} returns it. Acknowledged,
 * cancelled and dead jobs have no snapshot.
 *
 * @param id the job id
 * @param queue the queue name
 * @param payload the payload as stored: JSON text
 * @param state {@code pending} or {@code processing}
 * @param priority the claim priority; higher is claimed first
 * @param runAt the earliest time the job may be claimed
 * @param workerId the worker holding the claim, or {@code null} when pending
 * @param claimExpiresAt when the current claim runs out, or {@code null} when pending
 * @param attempts how many times the job has been claimed
 * @param maxAttempts the claim limit before the job goes to the dead table
 * @param createdAt when the job was enqueued
 * @param expiresAt when the job stops being claimable, or {@code null} for never
 */
public record Job(long id, String queue, String payload, String state, long priority, Instant runAt,
		@Nullable String workerId, @Nullable Instant claimExpiresAt, long attempts, long maxAttempts, Instant createdAt,
		@Nullable Instant expiresAt) {
}
