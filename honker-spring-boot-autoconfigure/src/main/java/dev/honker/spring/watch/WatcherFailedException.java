package dev.honker.spring.watch;

import org.jspecify.annotations.Nullable;

/**
 * The commit watcher of a database file has stopped for good, typically because the file
 * was replaced while the application had it open. Every subscriber's wait throws it.
 */
public class WatcherFailedException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param message what happened and what to do
	 * @param cause the underlying error, or {@code null}
	 */
	public WatcherFailedException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
