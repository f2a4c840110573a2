package dev.honker.spring.core;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A pending or processing job, as a page of {@link HonkerStats#liveJobs} lists it.
 *
 * @param id the job id
 * @param queue the queue name
 * @param state {@code pending} or {@code processing}
 * @param priority the claim priority (higher first)
 * @param runAt when it is (or was) due
 * @param attempts how many times it was claimed
 * @param maxAttempts the claim limit
 * @param workerId the worker holding the claim, or {@code null} when pending
 * @param claimExpiresAt when the claim runs out, or {@code null} when pending
 * @param createdAt when it was enqueued
 * @param payloadPreview the first {@value HonkerStats#PAYLOAD_PREVIEW_LENGTH} characters
 * of the payload's JSON text
 */
public record LiveJob(long id, String queue, String state, long priority, Instant runAt, long attempts,
		long maxAttempts, @Nullable String workerId, @Nullable Instant claimExpiresAt, Instant createdAt,
		String payloadPreview) {
}
