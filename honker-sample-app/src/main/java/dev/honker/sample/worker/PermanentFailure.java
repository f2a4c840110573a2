package dev.honker.sample.worker;

/**
 * A failure that no retry can fix; configured as non-retryable, so the job goes straight
 * to the dead table.
 */
public class PermanentFailure extends RuntimeException {

	public PermanentFailure(String message) {
		super(message);
	}

}
