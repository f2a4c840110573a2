package dev.honker.spring.listener;

import org.springframework.beans.factory.BeanInitializationException;

/**
 * A {@code @HonkerListener} method or setting that cannot work; it stops the application
 * context from starting, and its message names the method, the attribute and the value.
 */
public class ListenerConfigurationException extends BeanInitializationException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param message what is wrong, where, and what to do
	 */
	public ListenerConfigurationException(String message) {
		super(message);
	}

	/**
	 * Creates the exception with a cause.
	 * @param message what is wrong, where, and what to do
	 * @param cause the underlying error
	 */
	public ListenerConfigurationException(String message, Throwable cause) {
		super(message, cause);
	}

}
