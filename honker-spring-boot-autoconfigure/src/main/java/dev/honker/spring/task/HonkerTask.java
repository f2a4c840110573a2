package dev.honker.spring.task;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A durable task method, Honker's {@code @queue.task}: calls are jobs on a queue whose
 * payload is Honker's task envelope {@code {"__honker_task__": {"task": name, "args":
 * [...], "kwargs": {...}}}}, so Python's {@code @queue.task} of the same name can call
 * it, and run the calls Java makes.
 *
 * <p>
 * <b>On a bean method</b>, it makes the application a worker of the task: a worker on the
 * task's queue decodes the envelope, binds {@code args} by position and {@code kwargs} by
 * parameter name to the method's parameters with Jackson (a
 * {@link dev.honker.spring.listener.HonkerJob} parameter receives the job instead), calls
 * the method, stores its return value as the job's result (JSON, like Python's
 * {@code run_task}; {@code void} stores {@code null}) and acknowledges the job. A failure
 * is retried after {@link #retryDelay} until the call's attempts are used up. A job
 * without the envelope, or naming a task this application does not have, fails at once
 * with Honker's messages.
 *
 * <p>
 * <b>On a method of an interface</b> given to {@link HonkerTasks#client(Class)}, it
 * describes the call: the proxy's method enqueues a call of the task named {@link #name}
 * in the caller's transaction and returns a {@link TaskHandle}.
 *
 * <pre>{@code
 * // worker
 * &#64;HonkerTask(name = "billing.charge", queue = "billing")
 * Receipt charge(long customerId, int cents) { ... }
 *
 * // caller
 * interface Billing {
 *

&#64;HonkerTask(name = "billing.charge", queue = "billing")
 *     TaskHandle<Receipt> charge(long customerId, int cents);
 * }
 * }</pre>
 *
 * <p>
 * String attributes take {@code ${...}} placeholders.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface HonkerTask {

	/**
	 * The task name, shared with every other process and language that runs or calls it;
	 * defaults to the fully qualified class name and the method name. Required on a
	 * client interface.
	 * @return the name
	 */
	String name() default "";

	/**
	 * The queue of the task's calls.
	 * @return the queue name
	 */
	String queue() default "default";

	/**
	 * How many times a call is attempted (the job's {@code max_attempts}), like Python's
	 * {@code retries}; at least 1.
	 * @return the attempts
	 */
	int retries() default 3;

	/**
	 * How long a failed call waits before its next attempt; whole seconds, for example
	 * {@code 60s}.
	 * @return the delay
	 */
	String retryDelay() default "60s";

	/**
	 * The priority of the calls; higher is claimed first.
	 * @return the priority
	 */
	int priority() default 0;

	/**
	 * How long a call stays claimable before it expires, whole seconds; empty for never.
	 * @return the expiry
	 */
	String expires() default "";

	/**
	 * Whether the worker stores the return value as the job's result.
	 * @return whether to store results
	 */
	boolean storeResult() default true;

	/**
	 * How long a stored result stays readable; whole seconds, {@code 0s} for ever.
	 * @return the time to live
	 */
	String resultTtl() default "1h";

}
