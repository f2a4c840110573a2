package dev.honker.spring.listener;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import dev.honker.spring.core.JobTraceContexts;
import org.jspecify.annotations.Nullable;

/**
 * One attempt of one job, shared by the {@link JobInterceptor} calls around it: the job,
 * the listener, and once the attempt is over, its outcome and failure. Interceptors keep
 * their own per-job state in its attributes, for example a timer sample started in
 * {@link JobInterceptor#beforeJob} and stopped in {@link JobInterceptor#afterJob}.
 */
public final class JobContext {

	private final String listenerId;

	private final HonkerJob job;

	private final Map<Object, Object> attributes = new ConcurrentHashMap<>();

	private volatile @Nullable JobOutcome outcome;

	private volatile @Nullable Throwable failure;

	private final JobTraceContexts.@Nullable Row traceContext;

	JobContext(String listenerId, HonkerJob job, JobTraceContexts.@Nullable Row traceContext) {
		this.listenerId = listenerId;
		this.job = job;
		this.traceContext = traceContext;
	}

	/** The id of the listener running the job. */
	public String listenerId() {
		return this.listenerId;
	}

	/** The job: id, queue, attempt, run_at, claim. */
	public HonkerJob job() {
		return this.job;
	}

	/** How the attempt ended; {@code null} until {@link JobInterceptor#afterJob}. */
	public @Nullable JobOutcome outcome() {
		return this.outcome;
	}

	/**
	 * What the handler threw, or the payload conversion error; {@code null} after a
	 * success.
	 */
	public @Nullable Throwable failure() {
		return this.failure;
	}

	/**
	 * Stores a value for this attempt.
	 * @param key the key, for example the interceptor's class
	 * @param value the value, not {@code null}
	 */
	public void put(Object key, Object value) {
		this.attributes.put(key, value);
	}

	/**
	 * Reads a value stored for this attempt.
	 * @param key the key
	 * @param type the value's type
	 * @param <T> the value's type
	 * @return the value, or {@code null} if none is stored
	 */
	public <T> @Nullable T get(Object key, Class<T> type) {
		return type.cast(this.attributes.get(key));
	}

	/**
	 * The trace context row stored at the job's enqueue, read with the claim;
	 * {@code null} when the job has none or the listener does not read them.
	 */
	JobTraceContexts.@Nullable Row traceContext() {
		return this.traceContext;
	}

	void finish(JobOutcome outcome, @Nullable Throwable failure) {
		this.outcome = outcome;
		this.failure = failure;
	}

	@Override
	public String toString() {
		return "JobContext[listener=" + this.listenerId + ", job=" + this.job.id() + ", outcome=" + this.outcome + "]";
	}

}
