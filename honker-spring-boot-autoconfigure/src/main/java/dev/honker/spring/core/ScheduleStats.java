package dev.honker.spring.core;

import java.time.Instant;

/**
 * One registered schedule (a row of {@code _honker_scheduler_tasks}).
 *
 * @param name the schedule name
 * @param queue the queue its jobs go to
 * @param expression the cron expression, or {@code @every ...}
 * @param nextFireAt when it fires next
 * @param paused whether it is paused (then it does not fire)
 */
public record ScheduleStats(String name, String queue, String expression, Instant nextFireAt, boolean paused) {
}
