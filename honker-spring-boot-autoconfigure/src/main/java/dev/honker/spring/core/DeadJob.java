package dev.honker.spring.core;

import org.jspecify.annotations.Nullable;
import java.time.Instant;

/**
 * A job in the dead table ({@code _honker_dead}): it failed on its last attempt, was
 * failed without retry, or expired.
 *
 * @param id the job id (the id it had while live)
 * @param queue the queue name
 * @param payload the payload as stored: JSON text
 * @param priority the claim priority it had
 * @param runAt the {@code run_at} it had when it died
 * @param attempts how many times it was claimed
 * @param maxAttempts the claim limit it had
 * @param lastError why it died, for example the handler's exception
 * @param createdAt when it was enqueued
 * @param diedAt when it moved to the dead table
 */
public record DeadJob(long id, String queue, String payload, long priority, Instant runAt, long attempts,
		long maxAttempts, @Nullable String lastError, Instant createdAt, Instant diedAt) {
}
