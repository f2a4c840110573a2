package dev.honker.spring.listener;

import org.jspecify.annotations.Nullable;

/**
 * A job's payload cannot be converted to the listener method's parameter type. Retrying
 * would not help, so the job goes to the dead table at once with this exception's message
 * as last_error.
 */
public class PayloadConversionException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param message which job, which type, and what the parser said
	 * @param cause the parser's error
	 */
	public PayloadConversionException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
