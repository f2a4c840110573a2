package dev.honker.spring.listener;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.springframework.core.ParameterizedTypeReference;
import org.jspecify.annotations.Nullable;

/**
 * A job listener registered in code rather than by {@code @HonkerListener}: a queue, a
 * payload type and a {@link JobHandler}, with optional settings. A setting left unset
 * takes the factory's defaults (the application's listener properties), as an empty
 * annotation attribute does.
 *
 * <pre class="code">
 * HonkerListenerContainer container = factory.createContainer(
 *         JobListenerEndpoint.of("emails", Email.class, (email, job) -&gt; mailer.send(email))
 *             .id("mailer")
 *             .concurrency(4));
 * registry.registerListenerContainer(container);
 * </pre>
 */
public final class JobListenerEndpoint {

	private final String queue;

	private final Type payloadType;

	private final JobHandler<Object> handler;

	private String id;

	private @Nullable Integer concurrency;

	private @Nullable Boolean autoStartup;

	private @Nullable Duration visibilityTimeout;

	private @Nullable AckMode ackMode;

	private @Nullable RetryBackoff backoff;

	private List<Class<? extends Throwable>> nonRetryable = List.of();

	private JobListenerEndpoint(String queue, Type payloadType, JobHandler<Object> handler) {
		if (queue == null || queue.isBlank()) {
			throw new IllegalArgumentException(
					"queue must not be empty, got " + (queue == null ? "null" : "'" + queue + "'"));
		}
		this.queue = queue;
		this.payloadType = Objects.requireNonNull(payloadType, "payloadType must not be null");
		this.handler = Objects.requireNonNull(handler, "handler must not be null");
		this.id = queue;
	}

	/**
	 * Creates an endpoint whose payloads are converted to a class.
	 * @param queue the queue to consume
	 * @param payloadType the payload class, for example a record
	 * @param handler handles each job
	 * @param <T> the payload type
	 * @return the endpoint
	 */
	@SuppressWarnings("unchecked")
	public static <T> JobListenerEndpoint of(String queue, Class<T> payloadType, JobHandler<? super T> handler) {
		return new JobListenerEndpoint(queue, payloadType, (JobHandler<Object>) handler);
	}

	/**
	 * Creates an endpoint whose payloads are converted to a generic type, for example
	 * {@code new ParameterizedTypeReference<List<Order>>() {}}.
	 * @param queue the queue to consume
	 * @param payloadType the payload type
	 * @param handler handles each job
	 * @param <T> the payload type
	 * @return the endpoint
	 */
	@SuppressWarnings("unchecked")
	public static <T> JobListenerEndpoint of(String queue, ParameterizedTypeReference<T> payloadType,
			JobHandler<? super T> handler) {
		Objects.requireNonNull(payloadType, "payloadType must not be null");
		return new JobListenerEndpoint(queue, payloadType.getType(), (JobHandler<Object>) handler);
	}

	/**
	 * Sets the listener id, unique among the registry's listeners; defaults to the queue.
	 * @param id the id
	 * @return this endpoint
	 */
	public JobListenerEndpoint id(String id) {
		if (id == null || id.isBlank()) {
			throw new IllegalArgumentException("id must not be empty, got " + (id == null ? "null" : "'" + id + "'"));
		}
		this.id = id;
		return this;
	}

	/**
	 * Sets the most jobs whose handlers run at the same time.
	 * @param concurrency at least 1
	 * @return this endpoint
	 */
	public JobListenerEndpoint concurrency(int concurrency) {
		if (concurrency < 1) {
			throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
		}
		this.concurrency = concurrency;
		return this;
	}

	/**
	 * Sets whether the container starts with the application context.
	 * @param autoStartup whether it starts with the context
	 * @return this endpoint
	 */
	public JobListenerEndpoint autoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
		return this;
	}

	/**
	 * Sets how long a claim hides a job from other workers.
	 * @param visibilityTimeout whole seconds, at least 1 s
	 * @return this endpoint
	 */
	public JobListenerEndpoint visibilityTimeout(Duration visibilityTimeout) {
		ListenerSettings.requireVisibilityTimeout("visibilityTimeout", visibilityTimeout);
		this.visibilityTimeout = visibilityTimeout;
		return this;
	}

	/**
	 * Sets when jobs are acknowledged.
	 * @param ackMode the mode
	 * @return this endpoint
	 */
	public JobListenerEndpoint ackMode(AckMode ackMode) {
		this.ackMode = Objects.requireNonNull(ackMode, "ackMode must not be null");
		return this;
	}

	/**
	 * Sets the delays between attempts of a failed job.
	 * @param backoff the backoff
	 * @return this endpoint
	 */
	public JobListenerEndpoint backoff(RetryBackoff backoff) {
		this.backoff = Objects.requireNonNull(backoff, "backoff must not be null");
		return this;
	}

	/**
	 * Sets exception types that dead-letter a job at once, in addition to the defaults.
	 * @param types the exception types
	 * @return this endpoint
	 */
	@SafeVarargs
	public final JobListenerEndpoint nonRetryable(Class<? extends Throwable>... types) {
		this.nonRetryable = List.of(types);
		return this;
	}

	/** The consumed queue. */
	public String getQueue() {
		return this.queue;
	}

	/** The listener id. */
	public String getId() {
		return this.id;
	}

	Type payloadType() {
		return this.payloadType;
	}

	JobHandler<Object> handler() {
		return this.handler;
	}

	/** These settings over {@code defaults}. */
	ListenerSettings settings(ListenerDefaults defaults) {
		RetryBackoff retryBackoff = (this.backoff != null) ? this.backoff : defaults.backoff();
		List<Class<? extends Throwable>> types = new ArrayList<>(defaults.nonRetryableExceptions());
		types.addAll(this.nonRetryable);
		return new ListenerSettings(this.id, this.queue,
				(this.concurrency != null) ? this.concurrency : defaults.concurrency(),
				(this.autoStartup != null) ? this.autoStartup : defaults.autoStartup(),
				((this.visibilityTimeout != null) ? this.visibilityTimeout : defaults.visibilityTimeout()).getSeconds(),
				defaults.idlePollInterval(), defaults.shutdownTimeout(),
				(this.ackMode != null) ? this.ackMode : defaults.ackMode(), retryBackoff, List.copyOf(types));
	}

	/** The listener, for messages. */
	String description() {
		return "JobListenerEndpoint '" + this.id + "' on queue '" + this.queue + "' (" + this.payloadType.getTypeName()
				+ ")";
	}

}
