package dev.honker.spring.listener;

import java.time.Instant;

/**
 * The metadata of a claimed job: what a {@code @HonkerListener} method may receive
 * besides the payload, and what interceptors and error handlers see.
 *
 * @param id the job id
 * @param queue the queue name
 * @param attempts this attempt's number, starting at 1 (a reclaim after a crash counts
 * too)
 * @param maxAttempts the attempts allowed before the job goes to the dead table
 * @param runAt when the job became due: its enqueue time, its scheduled time, or the time
 * its last retry was scheduled for
 * @param claimExpiresAt when the claim expires unless acknowledged or extended by a
 * heartbeat
 * @param workerId the claiming worker, {@code host:pid:listener-id:random}
 */
public record HonkerJob(long id, String queue, long attempts, long maxAttempts, Instant runAt, Instant claimExpiresAt,
		String workerId) {

	/**
	 * Whether this is the last attempt: a failure now sends the job to the dead table.
	 */
	public boolean isLastAttempt() {
		return this.attempts >= this.maxAttempts;
	}
}
