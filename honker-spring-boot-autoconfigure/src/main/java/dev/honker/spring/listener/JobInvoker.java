package dev.honker.spring.listener;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.transaction.support.TransactionTemplate;
import org.jspecify.annotations.Nullable;

/**
 * Runs one claimed job on a handler thread: calls the interceptors, converts the payload,
 * calls the handler, and settles the job. In {@link AckMode#AFTER_HANDLER} a success is
 * reported to the caller, which acknowledges it in a batch; in
 * {@link AckMode#TRANSACTIONAL} the handler and the acknowledgement run in one
 * transaction. A failure goes to the error handler, whose {@link FailureAction} is
 * applied.
 */
final class JobInvoker {

	private static final Log logger = LogFactory.getLog(JobInvoker.class);

	private static final int SETTLE_TRIES = 3;

	private static final Duration SETTLE_RETRY_PAUSE = Duration.ofMillis(250);

	private final String listenerId;

	private final JobHandler<Object> handler;

	private final PayloadBinding payload;

	private final JobStore store;

	private final JobErrorHandler listenerDefault;

	private final @Nullable JobErrorHandler errorHandler;

	private final List<JobInterceptor> interceptors;

	private final @Nullable TransactionTemplate transaction;

	private volatile @Nullable VirtualMachineError virtualMachineError;

	/**
	 * @param payload the handler's payload type and its converter
	 * @param errorHandler the application's error handler, or {@code null} to use
	 * {@code listenerDefault}
	 * @param transaction the transaction of {@link AckMode#TRANSACTIONAL}, or
	 * {@code null} to acknowledge after the handler
	 */
	JobInvoker(String listenerId, JobHandler<Object> handler, PayloadBinding payload, JobStore store,
			JobErrorHandler listenerDefault, @Nullable JobErrorHandler errorHandler, List<JobInterceptor> interceptors,
			@Nullable TransactionTemplate transaction) {
		this.listenerId = listenerId;
		this.handler = handler;
		this.payload = payload;
		this.store = store;
		this.listenerDefault = listenerDefault;
		this.errorHandler = errorHandler;
		this.interceptors = List.copyOf(interceptors);
		this.transaction = transaction;
	}

	/**
	 * Runs the job.
	 * @param abandoned whether shutdown gave up on this job; then a failure is not
	 * recorded and the claim is left to expire
	 * @param handlerReturned called as soon as the handler method has returned or thrown,
	 * before the job is acknowledged or settled
	 * @return whether the handler succeeded and the job still has to be acknowledged
	 */
	boolean run(ClaimedJob job, BooleanSupplier abandoned, Runnable handlerReturned) {
		JobContext context = new JobContext(this.listenerId, job.metadata(), job.traceContext());
		int entered = 0;
		try {
			for (JobInterceptor interceptor : this.interceptors) {
				entered++;
				guard(interceptor, "beforeJob", () -> interceptor.beforeJob(context));
			}
			JobOutcome outcome = attempt(job, context, abandoned, handlerReturned);
			return outcome == JobOutcome.SUCCEEDED && this.transaction == null;
		}
		finally {
			for (int i = entered - 1; i >= 0; i--) {
				JobInterceptor interceptor = this.interceptors.get(i);
				guard(interceptor, "afterJob", () -> interceptor.afterJob(context));
			}
		}
	}

	private JobOutcome attempt(ClaimedJob job, JobContext context, BooleanSupplier abandoned,
			Runnable handlerReturned) {
		Object payload;
		try {
			payload = convert(job);
		}
		catch (PayloadConversionException ex) {
			return failed(job, context, ex, abandoned);
		}
		if (logger.isDebugEnabled()) {
			logger.debug("listener '" + this.listenerId + "' runs job " + job.id() + " (attempt " + job.attempts()
					+ " of " + job.maxAttempts() + ")");
		}
		try {
			if (this.transaction == null) {
				try {
					this.handler.handle(payload, context.job());
				}
				finally {
					handlerReturned.run();
				}
			}
			else {
				this.transaction
					.executeWithoutResult(status -> invokeAndAck(payload, job, context.job(), handlerReturned));
			}
			context.finish(JobOutcome.SUCCEEDED, null);
			return JobOutcome.SUCCEEDED;
		}
		catch (ClaimLostException ex) {
			logger.warn("Honker listener '" + this.listenerId + "': job " + job.id()
					+ " lost its claim before its transaction committed; rolled back, another worker will run it");
			context.finish(JobOutcome.ABANDONED, null);
			return JobOutcome.ABANDONED;
		}
		catch (VirtualMachineError ex) {
			return failedWithVirtualMachineError(job, context, ex, abandoned);
		}
		catch (Exception | Error ex) {
			return failed(job, context, ex instanceof HandlerException wrapped ? wrapped.getCause() : ex, abandoned);
		}
	}

	/**
	 * A handler that ended with a {@link VirtualMachineError}
	 * ({@link StackOverflowError}, {@link OutOfMemoryError}, ...): the job is logged with
	 * the listener, and settled like any failed attempt (retried or dead-lettered by the
	 * error handler), so its slot is freed and its claim no longer extended. The error is
	 * not rethrown: the handler's stack has unwound, and a JVM that must stop on a real
	 * out-of-memory error is told so with {@code -XX:+ExitOnOutOfMemoryError}, which acts
	 * where the error is thrown. The error is remembered for
	 * {@link #lastVirtualMachineError()}, so that health checks report the JVM as
	 * suspect.
	 */
	private JobOutcome failedWithVirtualMachineError(ClaimedJob job, JobContext context, VirtualMachineError error,
			BooleanSupplier abandoned) {
		logger.error("Honker listener '" + this.listenerId + "': the handler of job " + job.id() + " (attempt "
				+ job.attempts() + " of " + job.maxAttempts() + ") ended with " + error.getClass().getName()
				+ "; settling the job as a failed attempt", error);
		this.virtualMachineError = error;
		return failed(job, context, error, abandoned);
	}

	/**
	 * The latest {@link VirtualMachineError} a handler ended with, if any since this
	 * invoker was created.
	 */
	Optional<VirtualMachineError> lastVirtualMachineError() {
		return Optional.ofNullable(this.virtualMachineError);
	}

	private @Nullable Object convert(ClaimedJob job) {
		return this.payload.convert(job.payload(), "job " + job.id());
	}

	private void invokeAndAck(@Nullable Object payload, ClaimedJob job, HonkerJob metadata, Runnable handlerReturned) {
		try {
			this.handler.handle(payload, metadata);
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new HandlerException(ex);
		}
		finally {
			handlerReturned.run();
		}
		boolean acked;
		try {
			acked = this.store.ackInCurrentTransaction(job.id(), job.workerId());
		}
		catch (SQLException ex) {
			throw new HandlerException(ex);
		}
		if (!acked) {
			throw new ClaimLostException();
		}
	}

	private JobOutcome failed(ClaimedJob job, JobContext context, Throwable failure, BooleanSupplier abandoned) {
		JobOutcome outcome;
		if (abandoned.getAsBoolean()) {
			if (logger.isDebugEnabled()) {
				logger.debug("job " + job.id() + " failed after shutdown gave up on it; its claim will expire",
						failure);
			}
			outcome = JobOutcome.ABANDONED;
		}
		else {
			outcome = settle(job, decide(job, context.job(), failure));
		}
		context.finish(outcome, failure);
		return outcome;
	}

	private FailureAction decide(ClaimedJob job, HonkerJob metadata, Throwable failure) {
		FailedJob failed = new FailedJob(metadata, job.payload(), failure, this.listenerDefault);
		if (this.errorHandler == null) {
			return failed.defaultAction();
		}
		try {
			FailureAction action = this.errorHandler.handle(failed);
			if (action != null) {
				return action;
			}
			logger.warn("Honker listener '" + this.listenerId + "': the JobErrorHandler returned null for job "
					+ job.id() + "; applying the listener's default");
		}
		catch (RuntimeException ex) {
			logger.warn("Honker listener '" + this.listenerId + "': the JobErrorHandler failed on job " + job.id()
					+ "; applying the listener's default", ex);
		}
		return failed.defaultAction();
	}

	private JobOutcome settle(ClaimedJob job, FailureAction action) {
		try {
			boolean held = record(job, action);
			if (!held) {
				logger.warn("Honker listener '" + this.listenerId + "': job " + job.id()
						+ " lost its claim before its failure was recorded (" + action + "); it runs again");
				return JobOutcome.ABANDONED;
			}
			if (logger.isDebugEnabled()) {
				logger.debug("job " + job.id() + " failed on attempt " + job.attempts() + " of " + job.maxAttempts()
						+ ": " + action);
			}
			return switch (action.kind()) {
				case RETRY -> job.attempts() >= job.maxAttempts() ? JobOutcome.DEAD_LETTERED : JobOutcome.RETRIED;
				case DEAD_LETTER -> JobOutcome.DEAD_LETTERED;
				case MOVE -> JobOutcome.MOVED;
				case ACKNOWLEDGE -> JobOutcome.DISCARDED;
			};
		}
		catch (SQLException ex) {
			logger.warn("Honker listener '" + this.listenerId + "': cannot " + action + " job " + job.id() + " after "
					+ SETTLE_TRIES + " tries; it runs again when its claim expires", ex);
			return JobOutcome.ABANDONED;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			logger.warn("Honker listener '" + this.listenerId + "': interrupted while recording the failure of job "
					+ job.id() + "; it runs again when its claim expires");
			return JobOutcome.ABANDONED;
		}
	}

	/**
	 * Applies the action in the database, trying {@link #SETTLE_TRIES} times, so that a
	 * database busy beyond its busy timeout does not leave the job to its claim's expiry.
	 * @return whether this worker still held the claim
	 */
	private boolean record(ClaimedJob job, FailureAction action) throws SQLException, InterruptedException {
		for (int attempt = 1;; attempt++) {
			try {
				return switch (action.kind()) {
					case RETRY -> this.store.retry(job.id(), job.workerId(),
							Math.round(action.delay().toMillis() / 1000.0), action.error());
					case DEAD_LETTER -> this.store.fail(job.id(), job.workerId(), action.error());
					case MOVE -> this.store.moveTo(job.id(), job.workerId(), action.queue(), job.payload());
					case ACKNOWLEDGE -> this.store.ack(job.id(), job.workerId());
				};
			}
			catch (SQLException ex) {
				if (attempt >= SETTLE_TRIES) {
					throw ex;
				}
				if (logger.isDebugEnabled()) {
					logger.debug("recording the failure of job " + job.id() + " failed; trying again", ex);
				}
				Thread.sleep(SETTLE_RETRY_PAUSE.toMillis() * attempt);
			}
		}
	}

	private void guard(JobInterceptor interceptor, String phase, Runnable call) {
		try {
			call.run();
		}
		catch (RuntimeException ex) {
			logger.warn("Honker listener '" + this.listenerId + "': " + interceptor.getClass().getName() + "." + phase
					+ " failed; the job goes on", ex);
		}
	}

	/** Carries a checked exception of the handler out of the transaction callback. */
	private static final class HandlerException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		HandlerException(Exception cause) {
			super(cause);
		}

	}

	/** The acknowledgement found the claim gone, so the transaction must roll back. */
	private static final class ClaimLostException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		ClaimLostException() {
			super(null, null, false, false);
		}

	}

}
