package dev.honker.spring.test;

import java.time.Instant;

/**
 * A job as it was enqueued during a test, whatever happened to it since (acknowledged,
 * retried, dead-lettered).
 *
 * @param id the job id
 * @param queue the queue
 * @param payload the payload as stored: one JSON value
 * @param priority the priority
 * @param runAt when the job was due
 * @param maxAttempts the attempts it was allowed
 */
public record EnqueuedJob(long id, String queue, String payload, long priority, Instant runAt, long maxAttempts) {
}
