package dev.honker.spring.listener;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method as the handler of a Honker queue. The method runs within a
 * millisecond or two of the commit that enqueued a job, whichever process or connection
 * made it.
 *
 * <p>
 * Parameters: at most one payload, converted from the job's JSON by the application's
 * Jackson mapper to the parameter's type (a record, a POJO, {@code JsonNode},
 * {@code Map}, a collection, or {@code String}: a JSON string payload arrives decoded,
 * any other payload as its JSON text), and at most one {@link HonkerJob} with the job's
 * metadata.
 *
 * <p>
 * When the method returns, the job is acknowledged. When it throws, the job is retried
 * after an exponential backoff, until its {@code max_attempts} are used up; then it goes
 * to the dead table with the exception's class and message as {@code last_error}. A
 * payload that cannot be converted, or an exception of a non-retryable type, sends the
 * job to the dead table at once. Delivery is at-least-once: after a crash the job runs
 * again once its claim expires.
 *
 * <p>
 * String attributes accept {@code ${...}} placeholders. An empty attribute takes its
 * default from the factory's {@link ListenerDefaults}, which the auto-configuration binds
 * from the application's listener properties. Durations are written like {@code 30s},
 * {@code PT30S} or {@code 30} (seconds).
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface HonkerListener {

	/** The queue to consume; must not be empty. */
	String queue();

	/**
	 * The listener id, unique in the application context, used by the registry's
	 * {@code pause(id)} and {@code resume(id)} and in the worker id. Defaults to
	 * {@code <bean name>.<method name>}.
	 */
	String id() default "";

	/** Number of handler threads; defaults to the listener default. */
	String concurrency() default "";

	/**
	 * Whether the listener starts with the context ({@code true}/{@code false}); defaults
	 * to the listener default.
	 */
	String autoStartup() default "";

	/**
	 * How long a claimed job stays hidden from other workers, in whole seconds; a handler
	 * running longer than a third of it gets heartbeats. Defaults to the listener
	 * default.
	 */
	String visibilityTimeout() default "";

	/**
	 * {@code AFTER_HANDLER} or {@code TRANSACTIONAL}, see {@link AckMode}; defaults to
	 * the listener default.
	 */
	String ackMode() default "";

	/**
	 * Delay before the second attempt; defaults to the listener default.
	 */
	String backoffInitialInterval() default "";

	/**
	 * Growth factor of the delay per failed attempt; defaults to the listener default.
	 */
	String backoffMultiplier() default "";

	/**
	 * Longest delay between attempts; defaults to the listener default.
	 */
	String backoffMaxInterval() default "";

	/**
	 * Random share of each delay, between 0 and 1; defaults to the listener default.
	 */
	String backoffJitter() default "";

	/**
	 * Exception types, with their subclasses and exceptions caused by them, that send the
	 * job to the dead table at once, in addition to the listener defaults.
	 */
	Class<? extends Throwable>[] nonRetryable() default {};

}
