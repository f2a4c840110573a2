package dev.honker.spring.task;

import java.time.Duration;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JavaType;

/**
 * A task call that was enqueued: its job id, and its result once a worker stored it.
 *
 * <p>
 * The call is only visible to workers once the caller's transaction commits, so await it
 * after the commit, never inside the transaction that made the call.
 *
 * @param <R> the result type
 */
public final class TaskHandle<R> {

	private final String task;

	private final long id;

	private final JavaType resultType;

	private final TaskResults results;

	TaskHandle(String task, long id, JavaType resultType, TaskResults results) {
		this.task = task;
		this.id = id;
		this.resultType = resultType;
		this.results = results;
	}

	/**
	 * The call's job id.
	 * @return the job id
	 */
	public long id() {
		return this.id;
	}

	/**
	 * The task name.
	 * @return the name
	 */
	public String task() {
		return this.task;
	}

	/**
	 * The result if a worker has stored it, without waiting.
	 * @return the result; empty when it is not stored (yet), or is JSON {@code null}
	 * @throws TaskFailedException if the call failed for good
	 */
	public Optional<R> result() {
		TaskResults.Outcome<R> outcome = this.results.read(this.task, this.id, this.resultType);
		return Optional.ofNullable(outcome.value());
	}

	/**
	 * Waits for the result: the stored return value of the task method (Python's
	 * {@code TaskResult.get(timeout)}). Woken by the commit watcher when the worker's
	 * transaction commits, not by polling.
	 * @param timeout the longest wait
	 * @return the result, {@code null} for a method that returned {@code null} or
	 * {@code void}
	 * @throws TaskTimeoutException if no result was stored within the timeout
	 * @throws TaskFailedException if the call failed for good
	 */
	public @Nullable R await(Duration timeout) {
		if (timeout == null || timeout.isNegative()) {
			throw new IllegalArgumentException("timeout must not be null or negative, got " + timeout);
		}
		return this.results.await(this.task, this.id, this.resultType, timeout);
	}

	@Override
	public String toString() {
		return "TaskHandle[task=" + this.task + ", id=" + this.id + "]";
	}

}
