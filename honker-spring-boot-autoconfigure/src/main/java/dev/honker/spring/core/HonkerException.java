package dev.honker.spring.core;

import org.springframework.dao.DataAccessException;
import org.jspecify.annotations.Nullable;

/**
 * Root of the exceptions {@link HonkerTemplate} throws for Honker-specific failures.
 *
 * <p>
 * It is a Spring {@link DataAccessException}, so it rolls back a {@code @Transactional}
 * method like any other data access failure and passes through Spring's exception
 * translation unchanged. Connection-level failures that are not Honker's (a busy
 * database, a closed pool) keep Spring's usual {@code DataAccessException} types, for
 * example {@code CannotAcquireLockException}.
 */
public abstract class HonkerException extends DataAccessException {

	/**
	 * Creates an exception with a message and the failure that caused it.
	 * @param message what went wrong
	 * @param cause the underlying failure, or {@code null}
	 */
	protected HonkerException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
