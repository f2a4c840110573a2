package dev.honker.spring.core;

/**
 * A payload or result value that could not be turned into JSON, raw JSON text that is not
 * valid, or stored JSON that could not be read as the requested type. Nothing was written
 * to the database.
 */
public class HonkerPayloadException extends HonkerException {

	/**
	 * Creates the exception.
	 * @param message what could not be converted and why
	 * @param cause the Jackson failure
	 */
	public HonkerPayloadException(String message, Throwable cause) {
		super(message, cause);
	}

}
