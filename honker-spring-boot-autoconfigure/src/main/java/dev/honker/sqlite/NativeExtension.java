package dev.honker.sqlite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.sqlite.SQLiteConnection;
import org.sqlite.core.DB;

/**
 * Loads a native SQLite extension, such as Honker's {@code libhonker_ext}, into one
 * connection.
 *
 * <p>
 * Extension loading is switched on only for the duration of the load and always switched
 * off again, so SQL run later on the connection cannot call {@code load_extension(...)}
 * itself.
 */
public final class NativeExtension {

	/** The entry point of Honker's native extension. */
	public static final String DEFAULT_ENTRY_POINT = "sqlite3_honkerext_init";

	private static final int SQLITE_OK = 0;

	private NativeExtension() {
	}

	/**
	 * Loads the extension at {@code library} through its {@value #DEFAULT_ENTRY_POINT}
	 * entry point.
	 * @param connection a sqlite-jdbc connection, or a pool proxy that unwraps to one
	 * @param library the shared library file
	 * @throws IllegalArgumentException if the connection is not a sqlite-jdbc connection
	 * or the file does not exist
	 * @throws SQLException if SQLite cannot load the library; the message names the path
	 * and SQLite's reason
	 */
	public static void load(Connection connection, Path library) throws SQLException {
		load(connection, library, DEFAULT_ENTRY_POINT);
	}

	/**
	 * Loads the extension at {@code library} through the given entry point.
	 * @param connection a sqlite-jdbc connection, or a pool proxy that unwraps to one
	 * @param library the shared library file
	 * @param entryPoint the name of the extension's init function
	 * @throws IllegalArgumentException if the connection is not a sqlite-jdbc connection,
	 * the file does not exist, or the entry point is blank
	 * @throws SQLException if SQLite cannot load the library; the message names the path
	 * and SQLite's reason
	 */
	public static void load(Connection connection, Path library, String entryPoint) throws SQLException {
		SQLiteConnection sqlite = HonkerFunctions.unwrap(connection);
		if (library == null) {
			throw new IllegalArgumentException("native extension library path must not be null");
		}
		if (entryPoint == null || entryPoint.isBlank()) {
			throw new IllegalArgumentException(
					"native extension entry point must not be blank, got '" + entryPoint + "'");
		}
		Path file = library.toAbsolutePath();
		if (!Files.isRegularFile(file)) {
			throw new IllegalArgumentException("native extension library not found: " + file);
		}
		DB database = sqlite.getDatabase();
		setLoadExtension(database, true, file);
		try {
			runLoad(sqlite, file, entryPoint);
		}
		finally {
			setLoadExtension(database, false, file);
		}
	}

	private static void runLoad(SQLiteConnection sqlite, Path file, String entryPoint) throws SQLException {
		try (PreparedStatement statement = sqlite.prepareStatement("SELECT load_extension(?, ?)")) {
			statement.setString(1, file.toString());
			statement.setString(2, entryPoint);
			try (ResultSet ignored = statement.executeQuery()) {
				// load_extension returns NULL; the load happens while the statement
				// steps.
			}
		}
		catch (SQLException e) {
			throw new SQLException(
					"Cannot load native extension " + file + " (entry point " + entryPoint + "): " + e.getMessage(),
					e.getSQLState(), e.getErrorCode(), e);
		}
	}

	private static void setLoadExtension(DB database, boolean enabled, Path file) throws SQLException {
		int rc = database.enable_load_extension(enabled);
		if (rc != SQLITE_OK) {
			throw new SQLException("Cannot " + (enabled ? "enable" : "disable") + " extension loading to load " + file
					+ ": SQLite result code " + rc);
		}
	}

}
