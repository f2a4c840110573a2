package dev.honker.sqlite;

/**
 * A rule broken by the arguments of a Honker SQL function; reported to SQLite as the
 * call's error.
 */
final class FunctionException extends RuntimeException {

	FunctionException(String message) {
		super(message);
	}

}
