package dev.honker.spring.listener;

/**
 * A job whose handler threw, or whose payload could not be converted, as a
 * {@link JobErrorHandler} sees it.
 */
public final class FailedJob {

	private final HonkerJob job;

	private final String payload;

	private final Throwable failure;

	private final JobErrorHandler listenerDefault;

	FailedJob(HonkerJob job, String payload, Throwable failure, JobErrorHandler listenerDefault) {
		this.job = job;
		this.payload = payload;
		this.failure = failure;
		this.listenerDefault = listenerDefault;
	}

	/** The job's metadata. */
	public HonkerJob job() {
		return this.job;
	}

	/** The job's payload as stored: one JSON value. */
	public String payload() {
		return this.payload;
	}

	/**
	 * What the handler threw; a {@link PayloadConversionException} when the payload could
	 * not be converted.
	 */
	public Throwable failure() {
		return this.failure;
	}

	/**
	 * What the listener's own settings decide ({@link DefaultJobErrorHandler} with its
	 * backoff and non-retryable types), for a handler that only changes some cases.
	 */
	public FailureAction defaultAction() {
		return this.listenerDefault.handle(this);
	}

}
