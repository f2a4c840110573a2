package dev.honker.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

import org.sqlite.SQLiteConnection;

/**
 * The embedded Honker extension: a Java implementation of every {@code honker_*} SQL
 * function and {@code notify}, compatible with Honker 0.4's {@code libhonker_ext}.
 *
 * <p>
 * Once registered on a connection, SQL such as {@code SELECT honker_enqueue('emails',
 * '{}', NULL, NULL, 0, 3, NULL)} works on it, inside whatever transaction the caller has
 * open. Each function runs its nested statements on that same connection, so its writes
 * commit or roll back with the caller's transaction. A function that writes more than
 * once does so inside a savepoint, so a failing call leaves the caller's transaction
 * exactly as it was.
 *
 * <p>
 * The extension's watcher helpers ({@code honker_update_watcher_*}) are not provided;
 * Java code watches the file with its own watcher.
 */
public final class HonkerFunctions {

	private static final Set<SQLiteConnection> REGISTERED = Collections
		.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

	private HonkerFunctions() {
	}

	/**
	 * Registers every Honker function on a sqlite-jdbc connection. Calling it again on
	 * the same physical connection does nothing. It does not create the schema; run
	 * {@code SELECT
	 * honker_bootstrap()} for that.
	 * @param connection a sqlite-jdbc connection, or a pool proxy that unwraps to one
	 * @throws IllegalArgumentException if the connection is not a sqlite-jdbc connection
	 * @throws SQLException if SQLite refuses to create a function
	 */
	public static void register(Connection connection) throws SQLException {
		SQLiteConnection sqlite = unwrap(connection);
		synchronized (REGISTERED) {
			if (REGISTERED.contains(sqlite)) {
				return;
			}
			FunctionRegistrar registrar = new FunctionRegistrar(sqlite);
			SchemaFunctions.register(registrar);
			QueueFunctions.register(registrar);
			LockFunctions.register(registrar);
			RateLimitFunctions.register(registrar);
			ResultFunctions.register(registrar);
			StreamFunctions.register(registrar);
			SchedulerFunctions.register(registrar);
			REGISTERED.add(sqlite);
		}
	}

	/**
	 * Whether {@link #register(Connection)} has already run on this connection's physical
	 * connection.
	 * @param connection a sqlite-jdbc connection, or a pool proxy that unwraps to one
	 * @return {@code true} once the embedded functions are registered on it
	 * @throws IllegalArgumentException if the connection is not a sqlite-jdbc connection
	 * @throws SQLException if the pool proxy cannot be unwrapped
	 */
	public static boolean isRegistered(Connection connection) throws SQLException {
		return REGISTERED.contains(unwrap(connection));
	}

	/**
	 * The sqlite-jdbc connection behind {@code connection}; a clear error for any other
	 * driver.
	 */
	static SQLiteConnection unwrap(Connection connection) throws SQLException {
		if (connection == null) {
			throw new IllegalArgumentException("connection must not be null");
		}
		SQLiteConnection sqlite = SqliteSupport.sqliteConnection(connection);
		if (sqlite != null) {
			return sqlite;
		}
		throw new IllegalArgumentException(
				"Honker functions need a sqlite-jdbc connection (org.sqlite.SQLiteConnection)," + " got "
						+ connection.getClass().getName());
	}

}
