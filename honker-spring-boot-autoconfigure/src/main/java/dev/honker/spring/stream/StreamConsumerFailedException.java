package dev.honker.spring.stream;

/**
 * A stream consumer stopped because an event still failed after its last attempt, with
 * {@link StreamFailureAction#STOP}.
 */
public class StreamConsumerFailedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param message the consumer, the topic and the offset of the event
	 * @param cause the handler's last failure
	 */
	public StreamConsumerFailedException(String message, Throwable cause) {
		super(message, cause);
	}

}
