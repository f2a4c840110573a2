/**
 * Schedules: {@link dev.honker.spring.scheduler.HonkerSchedules} (register, update,
 * pause, resume, list in the caller's transaction),
 * {@link dev.honker.spring.scheduler.HonkerScheduled} methods, the schedules an
 * application declares ({@link dev.honker.spring.scheduler.ScheduleDeclarations},
 * registered idempotently at startup), and
 * {@link dev.honker.spring.scheduler.HonkerSchedulerLeader}, which fires them in one
 * process per database file under Honker's advisory lock {@code honker-scheduler}.
 */
@NullMarked
package dev.honker.spring.scheduler;

import org.jspecify.annotations.NullMarked;
