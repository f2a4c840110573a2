package dev.honker.spring.boot.autoconfigure;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.NestedExceptionUtils;
import dev.honker.postgres.PostgresBootstrap;
import dev.honker.spring.core.HonkerDialect;
import dev.honker.sqlite.SqliteSupport;
import dev.honker.spring.core.HonkerStats;

/**
 * Checks the application's DataSource once at startup and, in
 * {@code honker.bootstrap=startup} mode, creates the Honker schema with
 * {@code honker_bootstrap()} (on PostgreSQL, with {@link PostgresBootstrap}); in
 * {@code startup} and {@code connect} modes it adds this project's index of
 * {@code _honker_dead} by queue ({@link HonkerStats#DEAD_QUEUE_INDEX}) on SQLite. Logs
 * one INFO line saying what Honker found and did, and one WARN line when the database is
 * not in WAL mode.
 *
 * <p>
 * Spring Boot treats it as a database initializer, so beans that depend on database
 * initialization (JPA, {@code JdbcTemplate}, ...) are created after it.
 */
final class HonkerInitializer implements InitializingBean {

	private static final Log logger = LogFactory.getLog(HonkerInitializer.class);

	private final DataSource dataSource;

	private final HonkerProperties properties;

	private final boolean forcedOn;

	HonkerInitializer(DataSource dataSource, HonkerProperties properties, boolean forcedOn) {
		this.dataSource = dataSource;
		this.properties = properties;
		this.forcedOn = forcedOn;
	}

	@Override
	public void afterPropertiesSet() throws SQLException {
		String url = SqliteUrl.of(this.dataSource);
		if (url != null && !SqliteUrl.isSqlite(url) && !SqliteUrl.isPostgres(url)) {
			backOff(url);
			return;
		}
		try (Connection connection = open(url)) {
			if (SqliteSupport.sqliteConnection(connection) == null) {
				if (HonkerDialect
					.ofProduct(connection.getMetaData().getDatabaseProductName()) == HonkerDialect.POSTGRESQL) {
					initializePostgres(connection);
					return;
				}
				backOff(connection.getMetaData().getURL());
				return;
			}
			String file = mainDatabaseFile(connection);
			if (file.isEmpty()) {
				throw HonkerConfigurationException.inMemoryDatabase(connection.getMetaData().getURL());
			}
			checkWritable(connection, file);
			HonkerProperties.BootstrapMode bootstrap = this.properties.getBootstrap();
			if (bootstrap == HonkerProperties.BootstrapMode.STARTUP) {
				HonkerConnectionSetup.bootstrap(connection);
			}
			if (bootstrap != HonkerProperties.BootstrapMode.NONE) {
				createDeadQueueIndex(connection);
			}
			String journalMode = queryText(connection, "PRAGMA journal_mode").toLowerCase(Locale.ROOT);
			if (!"wal".equals(journalMode)) {
				logger.warn("Honker: " + file + " is in journal_mode=" + journalMode + ", not WAL. Outside WAL mode"
						+ " a writing transaction blocks every reader (listeners, the commit watcher, workers in"
						+ " other processes) and they block it, so enqueues and claims fail with SQLITE_BUSY under"
						+ " load. Set honker.sqlite.journal-mode=WAL or add journal_mode=WAL to the JDBC URL.");
			}
			logger.info("Honker: "
					+ (this.properties.getExtension().getPath() != null
							? "native extension " + this.properties.getExtension().getPath().toAbsolutePath()
							: "embedded Java functions")
					+ " on " + file + ", journal_mode=" + journalMode + ", bootstrap="
					+ bootstrap.name().toLowerCase(Locale.ROOT) + " (" + describe(bootstrap) + ")");
		}
	}

	/**
	 * On PostgreSQL: installs or upgrades the Honker schema with the script that Flyway
	 * and Liquibase users run themselves (any bootstrap mode but {@code none}: the schema
	 * is the server's, so {@code connect} bootstraps once at startup too), and logs what
	 * Honker found.
	 */
	private void initializePostgres(Connection connection) throws SQLException {
		if (this.properties.getExtension().getPath() != null) {
			throw HonkerConfigurationException.invalidProperty("honker.extension.path",
					this.properties.getExtension().getPath(), "the native extension is a SQLite extension",
					"Remove honker.extension.path: on PostgreSQL the functions of the " + PostgresBootstrap.SCHEMA
							+ " schema are used.");
		}
		HonkerProperties.BootstrapMode bootstrap = this.properties.getBootstrap();
		if (bootstrap != HonkerProperties.BootstrapMode.NONE) {
			PostgresBootstrap.bootstrap(connection);
		}
		int version = PostgresBootstrap.installedVersion(connection);
		if (version == 0) {
			logger.warn("Honker: the database has no " + PostgresBootstrap.SCHEMA + " schema yet and"
					+ " honker.bootstrap=none. Run " + PostgresBootstrap.SCRIPT_LOCATION
					+ " from the starter's jar as a migration, or remove honker.bootstrap=none.");
		}
		logger.info("Honker: PostgreSQL functions of schema " + PostgresBootstrap.SCHEMA + " (version " + version
				+ ") on " + connection.getMetaData().getURL().replaceFirst("\\?.*", "") + ", search_path "
				+ queryText(connection, "SHOW search_path") + ", bootstrap=" + bootstrap.name().toLowerCase(Locale.ROOT)
				+ ((bootstrap == HonkerProperties.BootstrapMode.NONE) ? " (schema left to the application's migrations)"
						: " (schema created or checked at startup)"));
	}

	/**
	 * Adds this project's index of {@code _honker_dead} by queue, which the statistics
	 * read, when the table exists (a bootstrap of another implementation may not create
	 * it); other Honker bindings are unaffected by it.
	 */
	private static void createDeadQueueIndex(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			if (queryText(connection,
					"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_honker_dead'")
				.equals("0")) {
				return;
			}
			statement.execute(HonkerStats.DEAD_QUEUE_INDEX);
		}
		if (!connection.getAutoCommit()) {
			connection.commit();
		}
	}

	private void backOff(String url) {
		String scheme = SqliteUrl.scheme(url);
		if (this.forcedOn) {
			throw HonkerConfigurationException.unsupportedDatabase(scheme);
		}
		logger.debug("Honker is off: the DataSource is " + scheme + ", not jdbc:sqlite: or jdbc:postgresql:");
	}

	/**
	 * The first connection; SQLite's {@code SQLITE_CANTOPEN} (a missing directory, or a
	 * file system that is read-only, where WAL mode cannot create its files) fails
	 * startup with an action.
	 */
	private Connection open(String url) throws SQLException {
		try {
			return this.dataSource.getConnection();
		}
		catch (SQLException ex) {
			Throwable cause = NestedExceptionUtils.getMostSpecificCause(ex);
			if (url != null && cause instanceof SQLiteException sqlite
					&& (sqlite.getResultCode().code & 0xff) == SQLiteErrorCode.SQLITE_CANTOPEN.code) {
				throw HonkerConfigurationException.cannotOpenDatabase(SqliteUrl.file(url), sqlite);
			}
			throw ex;
		}
	}

	/**
	 * Fails startup when SQLite opened the file read-only: the probe, a write of the
	 * header's {@code user_version} with its own value in a transaction that is rolled
	 * back, fails with {@code SQLITE_READONLY}. Any other outcome of the probe (such as a
	 * busy database) is left to the application's own transactions.
	 */
	private static void checkWritable(Connection connection, String file) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("BEGIN IMMEDIATE");
			try {
				statement.execute("PRAGMA user_version = " + queryText(connection, "PRAGMA user_version"));
			}
			finally {
				statement.execute("ROLLBACK");
			}
		}
		catch (SQLiteException ex) {
			if ((ex.getResultCode().code & 0xff) == SQLiteErrorCode.SQLITE_READONLY.code) {
				throw HonkerConfigurationException.readOnlyDatabase(Path.of(file), ex);
			}
			logger.debug("Honker: could not check that " + file + " is writable: " + ex.getMessage());
		}
	}

	private static String describe(HonkerProperties.BootstrapMode bootstrap) {
		return switch (bootstrap) {
			case STARTUP -> "schema created or checked at startup";
			case CONNECT -> "schema created or checked on every new connection";
			case NONE -> "schema left to the application's migrations";
		};
	}

	static String mainDatabaseFile(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet databases = statement.executeQuery("PRAGMA database_list")) {
			while (databases.next()) {
				if ("main".equals(databases.getString("name"))) {
					String file = databases.getString("file");
					return (file != null) ? file : "";
				}
			}
			return "";
		}
	}

	private static String queryText(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
			return rows.next() ? rows.getString(1) : "";
		}
	}

}
