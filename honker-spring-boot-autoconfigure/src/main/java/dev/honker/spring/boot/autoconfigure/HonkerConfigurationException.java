package dev.honker.spring.boot.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Honker configuration that cannot work, found at startup. It says what is wrong and
 * what to do; Spring Boot's failure analysis prints both when the application fails to
 * start.
 */
public class HonkerConfigurationException extends RuntimeException {

	private final String action;

	HonkerConfigurationException(String description, String action, Throwable cause) {
		super(description, cause);
		this.action = action;
	}

	/**
	 * What to do about the problem.
	 * @return the suggested action
	 */
	public String getAction() {
		return this.action;
	}

	static HonkerConfigurationException inMemoryDatabase(String url) {
		return new HonkerConfigurationException("Honker cannot use the in-memory SQLite database '" + url
				+ "'. Its workers and listeners wake on commits to a real database file, from their own connections"
				+ " and from other processes; an in-memory (or private temporary) database is invisible to them.",
				"Point spring.datasource.url at a database file, for example jdbc:sqlite:app.db (in tests, a file"
						+ " in a temporary directory), or set honker.enabled=false.",
				null);
	}

	static HonkerConfigurationException nativeExtension(Path path, String reason, Throwable cause) {
		return new HonkerConfigurationException(
				"Honker cannot load the native extension honker.extension.path=" + path + ": " + reason,
				"Set honker.extension.path to a libhonker_ext shared library built for this platform"
						+ " (and honker.extension.entry-point if its init function is not sqlite3_honkerext_init),"
						+ " or remove honker.extension.path to use the embedded Java functions.",
				cause);
	}

	static HonkerConfigurationException readOnlyDatabase(Path file, Throwable cause) {
		return unwritable(file, "SQLite opened it read-only", cause);
	}

	static HonkerConfigurationException cannotOpenDatabase(Path file, Throwable cause) {
		return unwritable(file, "SQLite cannot open it", cause);
	}

	private static HonkerConfigurationException unwritable(Path file, String problem, Throwable cause) {
		Path directory = file.toAbsolutePath().getParent();
		String user = System.getProperty("user.name");
		return new HonkerConfigurationException(
				"Honker cannot write the database file " + file + ": " + problem + " (" + cause.getMessage()
						+ "). The file is " + (Files.isWritable(file) ? "" : "not ") + "writable and its directory "
						+ directory + " is " + (Files.isWritable(directory) ? "" : "not ") + "writable for user '"
						+ user
						+ "'. Enqueues, claims and acknowledgements all write, so listeners would fail on every job.",
				"Give user '" + user + "' write access to " + file + " and to " + directory
						+ " (SQLite creates its -wal, -shm or -journal files there, and a read-only file system"
						+ " cannot hold them), or point spring.datasource.url at a writable file.",
				cause);
	}

	static HonkerConfigurationException invalidProperty(String name, Object value, String reason, String action) {
		return new HonkerConfigurationException("Invalid value '" + value + "' for " + name + ": " + reason, action,
				null);
	}

	static HonkerConfigurationException listenersNeedSqlite(String url) {
		return new HonkerConfigurationException(
				"@HonkerListener methods need a SQLite or PostgreSQL DataSource, but the DataSource is " + url
						+ ". Listeners claim jobs from the Honker tables of that database.",
				"Use a jdbc:sqlite: or jdbc:postgresql: DataSource, or remove the @HonkerListener methods (or set"
						+ " honker.enabled=false).",
				null);
	}

	static HonkerConfigurationException unsupportedDatabase(String url) {
		return new HonkerConfigurationException(
				"honker.enabled=true, but the DataSource is neither SQLite nor PostgreSQL (" + url
						+ "). Honker's functions live in a SQLite database file or a PostgreSQL schema.",
				"Use a jdbc:sqlite: or jdbc:postgresql: DataSource for Honker, or remove honker.enabled=true (Honker"
						+ " then stays off for other databases).",
				null);
	}

}
