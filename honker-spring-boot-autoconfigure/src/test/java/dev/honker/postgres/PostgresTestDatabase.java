package dev.honker.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens connections to fresh databases of the {@link PostgresTestServer} with Honker's
 * schema installed and {@code honker} on the search path, as the starter sets up its
 * pooled connections, and queries them.
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
		execute(connection, "SET search_path TO public, honker");
		return connection;
	}

	/** The database clock, in the Unix seconds every Honker function uses. */
	static long now(Connection connection) throws SQLException {
		return queryLong(connection, "SELECT honker._unixepoch()");
	}

	static long queryLong(Connection connection, String sql, Object... args) throws SQLException {
		try (PreparedStatement statement = prepare(connection, sql, args); ResultSet rows = statement.executeQuery()) {
			if (!rows.next()) {
				throw new SQLException("no row from " + sql);
			}
			return rows.getLong(1);
		}
	}

	static String queryString(Connection connection, String sql, Object... args) throws SQLException {
		try (PreparedStatement statement = prepare(connection, sql, args); ResultSet rows = statement.executeQuery()) {
			return rows.next() ? rows.getString(1) : null;
		}
	}

	static List<List<Object>> queryRows(Connection connection, String sql, Object... args) throws SQLException {
		try (PreparedStatement statement = prepare(connection, sql, args); ResultSet rows = statement.executeQuery()) {
			List<List<Object>> result = new ArrayList<>();
			int columns = rows.getMetaData().getColumnCount();
			while (rows.next()) {
				List<Object> row = new ArrayList<>(columns);
				for (int i = 1; i <= columns; i++) {
					row.add(rows.getObject(i));
				}
				result.add(row);
			}
			return result;
		}
	}

	static void execute(Connection connection, String sql, Object... args) throws SQLException {
		try (PreparedStatement statement = prepare(connection, sql, args)) {
			statement.execute();
		}
	}

	private static PreparedStatement prepare(Connection connection, String sql, Object... args) throws SQLException {
		PreparedStatement statement = connection.prepareStatement(sql);
		for (int i = 0; i < args.length; i++) {
			statement.setObject(i + 1, args[i]);
		}
		return statement;
	}

}
