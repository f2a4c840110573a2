package dev.honker.spring.scheduler;

import java.time.Instant;

/**
 * One firing of a schedule by this process's {@link HonkerSchedulerLeader}.
 *
 * @param schedule the schedule's name
 * @param fireAt the boundary that fired
 * @param jobId the id of the job it enqueued
 */
public record ScheduleFire(String schedule, Instant fireAt, long jobId) {
}
