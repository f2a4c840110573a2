package dev.honker.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Creates or upgrades Honker's schema on a PostgreSQL database: the tables and every
 * {@code honker_*} function (and {@code notify}) in the schema {@value #SCHEMA}.
 *
 * <p>
 * The work is the script at {@value #SCRIPT_LOCATION}, which Flyway and Liquibase users
 * can run as a migration instead. The script records its version in
 * {@code honker._honker_schema_version}; {@link #bootstrap(Connection)} does nothing when
 * the database already has this version or a newer one, and otherwise runs the script in
 * one transaction under an advisory lock, so several processes can bootstrap the same
 * database at the same time.
 */
public final class PostgresBootstrap {

	/** The schema that holds Honker's tables and functions. */
	public static final String SCHEMA = "honker";

	/** The schema version that {@link #script()} installs. */
	public static final int SCHEMA_VERSION = 2;

	/** The class-path location of the schema script. */
	public static final String SCRIPT_LOCATION = "META-INF/honker/postgresql/honker-postgresql.sql";

	private PostgresBootstrap() {
	}

	/**
	 * Installs or upgrades the schema unless the database already has
	 * {@link #SCHEMA_VERSION} or newer. In autocommit mode the script runs in a
	 * transaction of its own; otherwise it joins the caller's transaction and takes
	 * effect when the caller commits.
	 * @param connection a connection to a PostgreSQL database, as a user that may create
	 * a schema
	 * @throws IllegalArgumentException if the connection is null or not to PostgreSQL
	 * @throws SQLException if the script fails; in autocommit mode nothing is left behind
	 */
	public static void bootstrap(Connection connection) throws SQLException {
		requirePostgres(connection);
		if (installedVersion(connection) >= SCHEMA_VERSION) {
			return;
		}
		String script = script();
		if (!connection.getAutoCommit()) {
			execute(connection, script);
			return;
		}
		connection.setAutoCommit(false);
		try {
			execute(connection, script);
			connection.commit();
		}
		catch (SQLException | RuntimeException ex) {
			try {
				connection.rollback();
			}
			catch (SQLException rollbackFailure) {
				ex.addSuppressed(rollbackFailure);
			}
			throw ex;
		}
		finally {
			connection.setAutoCommit(true);
		}
	}

	/**
	 * The schema version installed in the connection's database.
	 * @param connection a connection to a PostgreSQL database
	 * @return the highest installed version, or 0 when Honker's schema is not installed
	 * @throws IllegalArgumentException if the connection is null or not to PostgreSQL
	 * @throws SQLException if the database cannot be queried
	 */
	public static int installedVersion(Connection connection) throws SQLException {
		requirePostgres(connection);
		try (Statement statement = connection.createStatement()) {
			try (ResultSet rows = statement
				.executeQuery("SELECT to_regclass('" + SCHEMA + "._honker_schema_version') IS NOT NULL")) {
				rows.next();
				if (!rows.getBoolean(1)) {
					return 0;
				}
			}
			try (ResultSet rows = statement
				.executeQuery("SELECT coalesce(max(version), 0) FROM " + SCHEMA + "._honker_schema_version")) {
				rows.next();
				return rows.getInt(1);
			}
		}
	}

	/**
	 * The schema script: idempotent, to be run in one transaction.
	 * @return the text of {@value #SCRIPT_LOCATION}
	 */
	public static String script() {
		try (InputStream in = PostgresBootstrap.class.getClassLoader().getResourceAsStream(SCRIPT_LOCATION)) {
			if (in == null) {
				throw new IllegalStateException(SCRIPT_LOCATION + " is missing from the class path");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read " + SCRIPT_LOCATION, ex);
		}
	}

	private static void execute(Connection connection, String script) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(script);
		}
	}

	private static void requirePostgres(Connection connection) throws SQLException {
		if (connection == null) {
			throw new IllegalArgumentException("connection must not be null");
		}
		String product = connection.getMetaData().getDatabaseProductName();
		if (!"PostgreSQL".equals(product)) {
			throw new IllegalArgumentException(
					"PostgresBootstrap needs a connection to PostgreSQL, got a connection to " + product);
		}
	}

}
