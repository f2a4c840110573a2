package dev.honker.spring.listener;

import java.time.Instant;

/**
 * What a {@code @HonkerListener} method may receive besides the payload: the claimed
 * job's metadata.
 *
 * @param id the job id
 * @param queue the queue name
 * @param attempts this attempt's number, starting at 1 (a reclaim after a crash counts
 * too)
 * @param maxAttempts the attempts allowed before the job goes to the dead table
 * @param claimExpiresAt when the claim expires unless acknowledged or extended by a
 * heartbeat
 * @param workerId the claiming worker, {@code host:pid:listener-id:random}
 */
public record HonkerJob(long id, String queue, long attempts, long maxAttempts, Instant claimExpiresAt,
		String workerId) {

	/**
	 * Whether this is the last attempt: a failure now sends the job to the dead table.
	 */
	public boolean isLastAttempt() {
		return this.attempts >= this.maxAttempts;
	}
}
