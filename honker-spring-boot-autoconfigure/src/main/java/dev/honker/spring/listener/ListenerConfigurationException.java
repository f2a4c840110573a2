package dev.honker.spring.listener;

import org.springframework.beans.factory.BeanInitializationException;

/**
 * A listener method, endpoint or setting that cannot work; it stops the application
 * context from starting. Its message names the method (or endpoint), the attribute and
 * the value; its {@link #getAction() action} says what fixes this kind of error.
 */
public class ListenerConfigurationException extends BeanInitializationException {

	private static final long serialVersionUID = 1L;

	private final String action;

	/**
	 * Creates the exception.
	 * @param message what is wrong and where
	 * @param action what to do about it
	 */
	public ListenerConfigurationException(String message, String action) {
		super(message);
		this.action = action;
	}

	/**
	 * Creates the exception with a cause.
	 * @param message what is wrong and where
	 * @param action what to do about it
	 * @param cause the underlying error
	 */
	public ListenerConfigurationException(String message, String action, Throwable cause) {
		super(message, cause);
		this.action = action;
	}

	/** What fixes the error, for the startup failure report. */
	public String getAction() {
		return this.action;
	}

}
