package dev.honker.spring.core;

/**
 * A Honker SQL function ({@code honker_*} or {@code notify}) rejected a call, or was not
 * there to be called. It carries the function's name and the message SQLite reported.
 *
 * <p>
 * The function left the caller's transaction as it was; whether that transaction goes on
 * is up to the caller (an uncaught exception rolls back a {@code @Transactional} method).
 */
public class HonkerFunctionException extends HonkerException {

	private final String functionName;

	private final String sqliteMessage;

	/**
	 * Creates the exception for a failed call.
	 * @param functionName the SQL function that failed, for example
	 * {@code honker_enqueue}
	 * @param sqliteMessage the error message SQLite reported for the call
	 * @param cause the JDBC exception
	 */
	public HonkerFunctionException(String functionName, String sqliteMessage, Throwable cause) {
		super(describe(functionName, sqliteMessage), cause);
		this.functionName = functionName;
		this.sqliteMessage = sqliteMessage;
	}

	/**
	 * The SQL function that failed.
	 * @return a name such as {@code honker_enqueue}
	 */
	public String getFunctionName() {
		return this.functionName;
	}

	/**
	 * The error message SQLite reported, without the JDBC driver's decoration.
	 * @return the message, for example {@code honker_lock_renew: ttl_s must be positive}
	 */
	public String getSqliteMessage() {
		return this.sqliteMessage;
	}

	private static String describe(String functionName, String sqliteMessage) {
		String message = functionName + " failed: " + sqliteMessage;
		if (sqliteMessage.startsWith("no such function")) {
			message += ". The Honker functions are not registered on this connection: is the DataSource a SQLite"
					+ " file (a jdbc:sqlite: URL) on which Honker is enabled?";
		}
		else if (sqliteMessage.contains("no such table: _honker")) {
			message += ". The Honker schema is missing: run SELECT honker_bootstrap(), at startup (the default)"
					+ " or in a migration of your own";
		}
		return message;
	}

}
