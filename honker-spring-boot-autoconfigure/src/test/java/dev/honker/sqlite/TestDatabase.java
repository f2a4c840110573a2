package dev.honker.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens connections to a temp-file database with the embedded Honker functions
 * registered, and queries them.
 */
public final class TestDatabase {

	private TestDatabase() {
	}

	/**
	 * A new connection in WAL mode with a busy timeout, functions registered, schema
	 * bootstrapped.
	 */
	static Connection open(Path file) throws SQLException {
		Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
		try (var statement = connection.createStatement()) {
			statement.execute("PRAGMA journal_mode=WAL");
			statement.execute("PRAGMA busy_timeout=5000");
		}
		HonkerFunctions.register(connection);
		queryLong(connection, "SELECT honker_bootstrap()");
		return connection;
	}

	/** SQLite's clock, in the Unix seconds every Honker function uses. */
	static long now(Connection connection) throws SQLException {
		return queryLong(connection, "SELECT unixepoch()");
	}

	/**
	 * Every row of a table, in primary-key order, to compare a table before and after a
	 * call.
	 */
	static List<List<Object>> rowsOf(Connection connection, String table) throws SQLException {
		return queryRows(connection, "SELECT * FROM " + table + " ORDER BY 1, 2");
	}

	public static long queryLong(Connection connection, String sql, Object... args) throws SQLException {
		try (PreparedStatement statement = prepare(connection, sql, args); ResultSet rows = statement.executeQuery()) {
			if (!rows.next()) {
				throw new SQLException("no row from " + sql);
			}
			return rows.getLong(1);
		}
	}

	public static String queryString(Connection connection, String sql, Object... args) throws SQLException {
		try (PreparedStatement statement = prepare(connection, sql, args); ResultSet rows = statement.executeQuery()) {
			return rows.next() ? rows.getString(1) : null;
		}
	}

	public static List<List<Object>> queryRows(Connection connection, String sql, Object... args) throws SQLException {
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

	public static void execute(Connection connection, String sql, Object... args) throws SQLException {
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
