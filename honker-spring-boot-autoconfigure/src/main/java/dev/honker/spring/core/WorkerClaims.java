package dev.honker.spring.core;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The claims one worker holds on one queue right now, as {@link HonkerStats#workers()}
 * reads them from the processing jobs.
 *
 * @param queue the queue name
 * @param workerId the worker id written by the claim (this starter writes
 * {@code host:pid:listener-id:random})
 * @param jobs how many jobs it has claimed and not yet acknowledged
 * @param latestClaimExpiresAt when the last of these claims runs out
 */
public record WorkerClaims(String queue, String workerId, long jobs, @Nullable Instant latestClaimExpiresAt) {
}
