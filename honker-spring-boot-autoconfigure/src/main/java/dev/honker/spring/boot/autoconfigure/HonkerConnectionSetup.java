package dev.honker.spring.boot.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import dev.honker.sqlite.HonkerFunctions;
import dev.honker.sqlite.NativeExtension;
import org.jspecify.annotations.Nullable;

/**
 * What Honker does to each new physical connection of the application's SQLite
 * DataSource: install the functions (embedded Java ones, or a native extension), apply
 * the opt-in PRAGMAs, and in {@code honker.bootstrap=connect} mode possibly run
 * {@code honker_bootstrap()}.
 */
final class HonkerConnectionSetup {

	static final String BOOTSTRAP_SQL = "SELECT honker_bootstrap()";

	private final @Nullable Path extensionPath;

	private final String entryPoint;

	private final HonkerProperties.@Nullable JournalMode journalMode;

	private final @Nullable Long busyTimeoutMillis;

	private final boolean bootstrap;

	private HonkerConnectionSetup(@Nullable Path extensionPath, String entryPoint,
			HonkerProperties.@Nullable JournalMode journalMode, @Nullable Long busyTimeoutMillis, boolean bootstrap) {
		this.extensionPath = extensionPath;
		this.entryPoint = entryPoint;
		this.journalMode = journalMode;
		this.busyTimeoutMillis = busyTimeoutMillis;
		this.bootstrap = bootstrap;
	}

	/**
	 * The setup the properties ask for, without bootstrap; see
	 * {@link #withBootstrap(boolean)}.
	 * @throws HonkerConfigurationException if a property has an invalid value
	 */
	static HonkerConnectionSetup from(HonkerProperties properties) {
		HonkerProperties.Extension extension = properties.getExtension();
		Path path = extension.getPath();
		if (path != null) {
			path = path.toAbsolutePath();
			if (!Files.isRegularFile(path)) {
				throw HonkerConfigurationException.nativeExtension(path,
						Files.exists(path) ? "it is not a regular file" : "no such file", null);
			}
			if (extension.getEntryPoint() == null || extension.getEntryPoint().isBlank()) {
				throw HonkerConfigurationException.invalidProperty("honker.extension.entry-point",
						extension.getEntryPoint(), "the entry point of the native extension must not be blank",
						"Remove honker.extension.entry-point to use sqlite3_honkerext_init, or name the extension's"
								+ " init function.");
			}
		}
		return new HonkerConnectionSetup(path, extension.getEntryPoint(), properties.getSqlite().getJournalMode(),
				busyTimeoutMillis(properties.getSqlite().getBusyTimeout()), false);
	}

	private static @Nullable Long busyTimeoutMillis(@Nullable Duration value) {
		if (value == null) {
			return null;
		}
		if (value.isNegative() || value.toMillis() > Integer.MAX_VALUE) {
			throw HonkerConfigurationException.invalidProperty("honker.sqlite.busy-timeout", value,
					"it must be between 0 and " + Integer.MAX_VALUE + " milliseconds",
					"Set a duration such as 5s, or remove the property to keep the connection's own busy timeout.");
		}
		return value.toMillis();
	}

	/**
	 * The same setup, running {@code honker_bootstrap()} on each new connection or not.
	 */
	HonkerConnectionSetup withBootstrap(boolean bootstrap) {
		return new HonkerConnectionSetup(this.extensionPath, this.entryPoint, this.journalMode, this.busyTimeoutMillis,
				bootstrap);
	}

	/**
	 * Prepares a new physical connection; the caller closes it if this fails (see
	 * {@link #closeAfterFailure}).
	 * @throws HonkerConfigurationException if the native extension cannot be loaded
	 */
	void prepare(Connection connection) throws SQLException {
		if (this.extensionPath != null) {
			loadNativeExtension(connection);
		}
		else {
			HonkerFunctions.register(connection);
		}
		try (Statement statement = connection.createStatement()) {
			if (this.busyTimeoutMillis != null) {
				statement.execute("PRAGMA busy_timeout = " + this.busyTimeoutMillis);
			}
			if (this.journalMode != null) {
				statement.execute("PRAGMA journal_mode = " + this.journalMode.name());
			}
		}
		if (this.bootstrap) {
			bootstrap(connection);
		}
	}

	/**
	 * Closes a connection that could not be prepared; a failure to close is added to
	 * {@code failure}.
	 */
	static void closeAfterFailure(Connection connection, Exception failure) {
		try {
			connection.close();
		}
		catch (SQLException closeFailure) {
			failure.addSuppressed(closeFailure);
		}
	}

	/**
	 * Creates or checks the Honker schema on a connection, committing if the connection
	 * is in a transaction.
	 */
	static void bootstrap(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(BOOTSTRAP_SQL);
		}
		if (!connection.getAutoCommit()) {
			connection.commit();
		}
	}

	private void loadNativeExtension(Connection connection) {
		try {
			NativeExtension.load(connection, this.extensionPath, this.entryPoint);
		}
		catch (SQLException | IllegalArgumentException ex) {
			throw HonkerConfigurationException.nativeExtension(this.extensionPath, ex.getMessage(), ex);
		}
	}

}
