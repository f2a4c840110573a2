package dev.honker.spring.scheduler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a bean method at every boundary of a schedule, in exactly one process across all
 * the workers on the database file.
 *
 * <pre>{@code
 * &#64;HonkerScheduled(cron = "0 3 * * *")
 * void nightlyReport() { ... }
 *
 *

&#64;HonkerScheduled(every = "30s", name = "cache-refresh")
 * void refresh() { ... }
 * }</pre>
 *
 * <p>
 * At startup the application registers a schedule (idempotently: an unchanged schedule
 * keeps its next boundary, a paused one stays paused) whose payload is Honker's task
 * envelope {@code {"__honker_task__": {"task": name, "args": [], "kwargs": {}}}}, exactly
 * what Python's {@code @queue.periodic_task} registers, and runs the method as the task
 * of that name on the queue's task worker. The scheduler leader (one process per file)
 * enqueues one job per boundary; whichever worker claims it runs the method. The method
 * takes no parameters, or one {@link dev.honker.spring.listener.HonkerJob}. A failure is
 * retried like any job.
 *
 * <p>
 * Cron boundaries are in the local time zone of the leader's process. Removing the
 * annotation does not delete the schedule from the file (another application may declare
 * it); delete it with {@link HonkerSchedules#unregister}.
 *
 * <p>
 * String attributes take {@code ${...}} placeholders.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface HonkerScheduled {

	/**
	 * A 5-field ({@code minute hour day-of-month month day-of-week}) or 6-field (seconds
	 * first) cron expression. Exactly one of {@code cron} and {@link #every} is set.
	 * @return the cron expression
	 */
	String cron() default "";

	/**
	 * A fixed interval, {@code <n><unit>} with unit {@code s}, {@code m}, {@code h} or
	 * {@code d}, for example {@code 30s}; stored as {@code @every 30s}.
	 * @return the interval
	 */
	String every() default "";

	/**
	 * The schedule's name, which is also the task's name; defaults to the fully qualified
	 * class name and the method name, {@code com.example.Jobs.nightlyReport}.
	 * @return the name
	 */
	String name() default "";

	/**
	 * The queue of the fired jobs.
	 * @return the queue name
	 */
	String queue() default "default";

}
