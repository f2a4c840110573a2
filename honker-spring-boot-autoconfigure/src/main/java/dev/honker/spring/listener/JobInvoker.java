package dev.honker.spring.listener;

import java.sql.SQLException;
import java.util.function.BooleanSupplier;

import org.springframework.core.log.LogAccessor;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs one claimed job on a handler thread: converts the payload, calls the method, and
 * settles the job. In {@link AckMode#AFTER_HANDLER} a success is reported to the caller,
 * which acknowledges it in a batch; in {@link AckMode#TRANSACTIONAL} the method and the
 * acknowledgement run in one transaction. A failure is retried with backoff or
 * dead-lettered, as the {@link FailurePolicy} says.
 */
final class JobInvoker {

	private static final LogAccessor LOG = new LogAccessor(JobInvoker.class);

	private final String listenerId;

	private final HandlerMethod handler;

	private final PayloadConverter converter;

	private final JobStore store;

	private final FailurePolicy failurePolicy;

	private final TransactionTemplate transaction;

	/**
	 * @param transaction the transaction of {@link AckMode#TRANSACTIONAL}, or
	 * {@code null} to acknowledge after the handler
	 */
	JobInvoker(String listenerId, HandlerMethod handler, PayloadConverter converter, JobStore store,
			FailurePolicy failurePolicy, TransactionTemplate transaction) {
		this.listenerId = listenerId;
		this.handler = handler;
		this.converter = converter;
		this.store = store;
		this.failurePolicy = failurePolicy;
		this.transaction = transaction;
	}

	/** How a job ended on this worker. */
	enum Outcome {

		/** The handler returned; the job still has to be acknowledged. */
		SUCCEEDED,
		/**
		 * The handler returned and the job was acknowledged in the handler's transaction.
		 */
		ACKNOWLEDGED,
		/**
		 * The job failed and was scheduled again, dead-lettered, or left to its claim's
		 * expiry.
		 */
		SETTLED

	}

	/**
	 * Runs the job.
	 * @param abandoned whether shutdown gave up on this job; then a failure is not
	 * recorded and the claim is left to expire
	 */
	Outcome run(ClaimedJob job, BooleanSupplier abandoned) {
		Object payload;
		try {
			payload = this.converter.convert(job.id(), job.payload());
		}
		catch (PayloadConversionException ex) {
			fail(job, ex);
			return Outcome.SETTLED;
		}
		LOG.debug(() -> "listener '" + this.listenerId + "' runs job " + job.id() + " (attempt " + job.attempts()
				+ " of " + job.maxAttempts() + ")");
		try {
			if (this.transaction == null) {
				this.handler.invoke(payload, job.metadata());
				return Outcome.SUCCEEDED;
			}
			this.transaction.executeWithoutResult(status -> invokeAndAck(payload, job));
			return Outcome.ACKNOWLEDGED;
		}
		catch (ClaimLostException ex) {
			LOG.warn("Honker listener '" + this.listenerId + "': job " + job.id()
					+ " lost its claim before its transaction committed; rolled back, another worker will run it");
			return Outcome.SETTLED;
		}
		catch (VirtualMachineError ex) {
			throw ex;
		}
		catch (Exception | Error ex) {
			Throwable failure = ex instanceof HandlerException wrapped ? wrapped.getCause() : ex;
			if (abandoned.getAsBoolean()) {
				LOG.debug(failure,
						() -> "job " + job.id() + " failed after shutdown gave up on it; its claim will expire");
			}
			else if (this.failurePolicy.isRetryable(failure)) {
				retry(job, failure);
			}
			else {
				fail(job, failure);
			}
			return Outcome.SETTLED;
		}
	}

	private void invokeAndAck(Object payload, ClaimedJob job) {
		try {
			this.handler.invoke(payload, job.metadata());
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new HandlerException(ex);
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

	private void retry(ClaimedJob job, Throwable failure) {
		long delay = this.failurePolicy.retryDelaySeconds(job.attempts());
		String error = describe(failure);
		try {
			this.store.retry(job.id(), job.workerId(), delay, error);
			LOG.debug(() -> "job " + job.id() + " failed on attempt " + job.attempts() + " of " + job.maxAttempts()
					+ ": " + error
					+ (job.attempts() >= job.maxAttempts() ? "; dead-lettered" : "; retry in " + delay + "s"));
		}
		catch (SQLException ex) {
			LOG.warn(ex, "Honker listener '" + this.listenerId + "': cannot schedule the retry of job " + job.id()
					+ "; it runs again when its claim expires");
		}
	}

	private void fail(ClaimedJob job, Throwable failure) {
		String error = describe(failure);
		try {
			this.store.fail(job.id(), job.workerId(), error);
			LOG.debug(() -> "job " + job.id() + " dead-lettered without retry: " + error);
		}
		catch (SQLException ex) {
			LOG.warn(ex, "Honker listener '" + this.listenerId + "': cannot dead-letter job " + job.id()
					+ "; it runs again when its claim expires");
		}
	}

	/** The last_error of a failed job: the exception's class and message. */
	static String describe(Throwable failure) {
		String message = failure.getMessage();
		return message == null ? failure.getClass().getName() : failure.getClass().getName() + ": " + message;
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
