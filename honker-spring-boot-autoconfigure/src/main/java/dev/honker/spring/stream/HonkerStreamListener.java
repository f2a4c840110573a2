package dev.honker.spring.stream;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method as a durable consumer of a Honker stream topic: events published
 * with {@code HonkerTemplate.publish} or {@code honker_stream_publish} by any process or
 * binding, delivered in offset order, one at a time on the consumer's own thread. See
 * {@link StreamListenerContainer} for the lock that lets one process at a time consume,
 * the offset saves and the failure handling.
 *
 * <p>
 * Parameters: at most one payload, converted from the event's JSON by the listeners'
 * payload converter (the application's Jackson mapper by default), and at most one
 * {@link dev.honker.spring.core.StreamEvent} with the offset, topic, key, raw payload and
 * creation time. A payload that cannot be converted is a handler failure that is not
 * retried: the failure action applies at once.
 *
 * <p>
 * The consumer resumes after its saved offset, or, when it has none, at {@link #start()}.
 * Consumers with different names each see every event; two methods with the same consumer
 * name and topic in one application are refused at startup.
 *
 * <p>
 * String attributes accept {@code ${...}} placeholders. An empty attribute takes its
 * default from the {@code honker.stream.*} properties; retries use
 * {@code honker.listener.backoff.*}.
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface HonkerStreamListener {

	/** The topic to consume; must not be empty. */
	String topic();

	/**
	 * The consumer name under which the offset is saved, shared with other bindings; must
	 * not be empty.
	 */
	String consumer();

	/**
	 * The listener id, unique in the application context among all Honker listeners.
	 * Defaults to {@code <bean name>.<method name>}.
	 */
	String id() default "";

	/**
	 * Where a consumer without a saved offset starts: {@code earliest}, {@code latest},
	 * or an offset to start after; defaults to {@code honker.stream.start}.
	 */
	String start() default "";

	/**
	 * {@code AFTER_BATCH} or {@code TRANSACTIONAL}, see {@link StreamOffsetMode};
	 * defaults to {@code honker.stream.offset-mode}.
	 */
	String offsetMode() default "";

	/**
	 * Most events read, and handled before the offset is saved, at once; defaults to
	 * {@code honker.stream.batch-size}.
	 */
	String batchSize() default "";

	/**
	 * Attempts per event before the failure action; defaults to
	 * {@code honker.stream.max-attempts}.
	 */
	String maxAttempts() default "";

	/**
	 * {@code STOP} or {@code SKIP}, see {@link StreamFailureAction}; defaults to
	 * {@code honker.stream.failure-action}.
	 */
	String failureAction() default "";

	/**
	 * How long the consumer's lock lasts without renewal, in whole seconds; defaults to
	 * {@code honker.stream.lock-ttl}.
	 */
	String lockTtl() default "";

	/**
	 * Whether the consumer starts with the context ({@code true}/{@code false}); defaults
	 * to {@code honker.listener.auto-startup}.
	 */
	String autoStartup() default "";

}
