package dev.honker.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import dev.honker.sqlite.TestDatabase;

/**
 * Opens connections to fresh databases of the {@link PostgresTestServer} with Honker's
 * schema installed and {@code honker} on the search path, as the starter sets up its
 * pooled connections. Queries go through {@link TestDatabase}'s helpers, which work on
 * any JDBC connection.
 */
final class PostgresTestDatabase {

	private PostgresTestDatabase() {
	}

	/** A connection to a new database with Honker's schema bootstrapped. */
	static Connection open() throws SQLException {
		return connect(bootstrappedDatabase());
	}

	/** The JDBC URL of a new database with Honker's schema bootstrapped. */
	static String bootstrappedDatabase() throws SQLException {
		String url = PostgresTestServer.get().createDatabase();
		try (Connection connection = DriverManager.getConnection(url)) {
			PostgresBootstrap.bootstrap(connection);
		}
		return url;
	}

	/**
	 * A new autocommit connection to {@code url} with {@code honker} on its search path.
	 */
	static Connection connect(String url) throws SQLException {
		Connection connection = DriverManager.getConnection(url);
		TestDatabase.execute(connection, "SET search_path TO public, honker");
		return connection;
	}

	/** The database clock, in the Unix seconds every Honker function uses. */
	static long now(Connection connection) throws SQLException {
		return TestDatabase.queryLong(connection, "SELECT honker._unixepoch()");
	}

}
