package dev.honker.spring.core;

import java.time.Duration;

/**
 * The state of one queue at one moment, as {@link HonkerStats} reads it.
 *
 * @param queue the queue name
 * @param pending jobs waiting to be claimed: {@code claimableNow + delayed}
 * @param claimableNow pending jobs whose {@code run_at} has come (including any that
 * expired but have not been swept to the dead table yet)
 * @param delayed pending jobs whose {@code run_at} is still in the future
 * @param processing claimed jobs, whether their claim is still valid or not
 * @param expiredClaims claimed jobs whose claim ran out (their worker died or stalled);
 * the next claim takes them again
 * @param dead jobs in the dead table
 * @param oldestPendingAge how long the longest-waiting claimable job has been due
 * ({@code now - run_at}); zero when no job is claimable
 */
public record QueueStats(String queue, long pending, long claimableNow, long delayed, long processing,
		long expiredClaims, long dead, Duration oldestPendingAge) {

	/** The statistics of a queue that has no live and no dead job. */
	public static QueueStats empty(String queue) {
		return new QueueStats(queue, 0, 0, 0, 0, 0, 0, Duration.ZERO);
	}

}
