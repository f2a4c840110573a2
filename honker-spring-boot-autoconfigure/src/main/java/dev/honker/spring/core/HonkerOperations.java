package dev.honker.spring.core;

import java.time.Duration;
import java.util.Collection;
import java.util.Optional;

/**
 * The operations of Honker that an application calls: enqueue jobs, notify channels, use
 * locks, rate limits and job results. {@link HonkerTemplate} implements them on the
 * application's SQLite DataSource; declare a dependency on this interface to decorate the
 * template (for example a {@code @Primary} bean that wraps it) or to stub it in a test.
 *
 * <p>
 * Every call joins the current Spring transaction, if any; see {@link HonkerTemplate} for
 * transactions, payloads and errors.
 */
public interface HonkerOperations {

	/**
	 * Enqueues a job that runs as soon as a worker is free, with three attempts.
	 * @param queue the queue name
	 * @param payload the payload, written as JSON (a {@code String} becomes a JSON
	 * string)
	 * @return the new job id
	 */
	long enqueue(String queue, Object payload);

	/**
	 * Enqueues a job with options.
	 * @param queue the queue name
	 * @param payload the payload, written as JSON (a {@code String} becomes a JSON
	 * string)
	 * @param options delay or start time, priority, attempts and expiry
	 * @return the new job id
	 */
	long enqueue(String queue, Object payload, JobOptions options);

	/**
	 * Enqueues many jobs at once, each to run as soon as a worker is free, with three
	 * attempts: one statement per up to 128 jobs, in the current transaction.
	 * @param queue the queue name
	 * @param payloads the payloads, each written as JSON (a {@code String} becomes a JSON
	 * string); a {@code null} element is the JSON {@code null}
	 * @return the new job ids, in the order of {@code payloads}
	 * @throws HonkerPayloadException if a payload cannot be written, before any job is
	 * inserted
	 */
	long[] enqueueAll(String queue, Collection<?> payloads);

	/**
	 * Enqueues many jobs at once with the same options: one statement per up to 128 jobs,
	 * in the current transaction. Without a transaction, each statement commits on its
	 * own.
	 * @param queue the queue name
	 * @param payloads the payloads, each written as JSON (a {@code String} becomes a JSON
	 * string); a {@code null} element is the JSON {@code null}
	 * @param options delay or start time, priority, attempts and expiry, for every job
	 * @return the new job ids, in the order of {@code payloads}
	 * @throws HonkerPayloadException if a payload cannot be written, before any job is
	 * inserted
	 */
	long[] enqueueAll(String queue, Collection<?> payloads, JobOptions options);

	/**
	 * Enqueues a job whose payload is JSON text, stored exactly as given.
	 * @param queue the queue name
	 * @param json one JSON value, for example {@code {"to":"alice"}}
	 * @return the new job id
	 * @throws HonkerPayloadException if the text is not valid JSON
	 */
	long enqueueJson(String queue, String json);

	/**
	 * Enqueues a job whose payload is JSON text, stored exactly as given, with options.
	 * @param queue the queue name
	 * @param json one JSON value
	 * @param options delay or start time, priority, attempts and expiry
	 * @return the new job id
	 * @throws HonkerPayloadException if the text is not valid JSON
	 */
	long enqueueJson(String queue, String json, JobOptions options);

	/**
	 * Publishes a notification to listeners of a channel when the transaction commits.
	 * @param channel the channel name
	 * @param payload the payload, written as JSON (a {@code String} becomes a JSON
	 * string)
	 * @return the notification id
	 */
	long notify(String channel, Object payload);

	/**
	 * Cancels a pending or running job: it is deleted and never claimed again. A running
	 * handler is not interrupted, but its acknowledgment will find nothing.
	 * @param jobId the job id
	 * @return whether a live job was deleted
	 */
	boolean cancel(long jobId);

	/**
	 * Looks up a job that is still pending or being processed.
	 * @param jobId the job id
	 * @return the job, or empty when it was acknowledged, cancelled, dead-lettered or
	 * never existed
	 */
	Optional<Job> job(long jobId);

	/**
	 * Takes a named advisory lock if it is free or its previous holder's time ran out.
	 * Taking a lock the owner already holds succeeds without extending it; use
	 * {@link #renewLock} for that.
	 * @param name the lock name
	 * @param owner a token identifying the holder, for example a random UUID
	 * @param ttl how long the lock is held unless renewed; whole seconds, at least one
	 * @return whether {@code owner} holds the lock
	 */
	boolean tryLock(String name, String owner, Duration ttl);

	/**
	 * Extends a lock the owner holds to {@code ttl} from now.
	 * @param name the lock name
	 * @param owner the holder's token
	 * @param ttl the new time to live; whole seconds, at least one
	 * @return whether the lock was still the owner's and was extended
	 */
	boolean renewLock(String name, String owner, Duration ttl);

	/**
	 * Releases a lock the owner holds; releasing someone else's lock does nothing.
	 * @param name the lock name
	 * @param owner the holder's token
	 * @return whether the lock was released
	 */
	boolean unlock(String name, String owner);

	/**
	 * Takes one permit from a fixed-window rate limit: at most {@code limit} permits per
	 * window of {@code per}, windows aligned to the Unix epoch.
	 * @param name the rate limit name
	 * @param limit permits per window, at least one
	 * @param per the window length; whole seconds, at least one
	 * @return whether a permit was granted
	 */
	boolean tryAcquire(String name, int limit, Duration per);

	/**
	 * Stores the result of a job, replacing any earlier one.
	 * @param jobId the job id
	 * @param value the result, written as JSON
	 * @param ttl how long the result stays readable; whole seconds, {@link Duration#ZERO}
	 * for ever
	 */
	void saveResult(long jobId, Object value, Duration ttl);

	/**
	 * Reads the result of a job.
	 * @param jobId the job id
	 * @param type the type to read the stored JSON as
	 * @param <T> the result type
	 * @return the result, or empty when none was saved, it expired, or it is JSON
	 * {@code null}
	 */
	<T> Optional<T> result(long jobId, Class<T> type);

}
