package dev.honker.spring.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The database under the Honker functions, and the few SQL forms that differ between
 * SQLite and PostgreSQL. Everything else goes through the {@code honker_*} functions,
 * which have the same names, arguments and results on both; a class that writes SQL of
 * its own takes the differing pieces from here.
 */
public enum HonkerDialect {

	/** SQLite, with the embedded Java functions or the native extension. */
	SQLITE("unixepoch()", "BEGIN IMMEDIATE", "SELECT value FROM json_each(?)"),

	/** PostgreSQL, with the functions of the {@code honker} schema. */
	POSTGRESQL("CAST(floor(extract(epoch FROM now())) AS bigint)", "BEGIN",
			"SELECT CAST(jsonb_array_elements_text(CAST(? AS jsonb)) AS bigint)");

	private final String now;

	private final String beginWrite;

	private final String idsOfJsonArray;

	HonkerDialect(String now, String beginWrite, String idsOfJsonArray) {
		this.now = now;
		this.beginWrite = beginWrite;
		this.idsOfJsonArray = idsOfJsonArray;
	}

	/**
	 * The database's dialect, from its JDBC metadata.
	 * @param connection a connection to the database
	 * @return the dialect
	 * @throws SQLException if the metadata cannot be read
	 * @throws IllegalStateException if the database is neither SQLite nor PostgreSQL
	 */
	public static HonkerDialect of(Connection connection) throws SQLException {
		String product = connection.getMetaData().getDatabaseProductName();
		return switch (product.toLowerCase(Locale.ROOT)) {
			case "sqlite" -> SQLITE;
			case "postgresql" -> POSTGRESQL;
			default -> throw new IllegalStateException(
					"honker: the database is " + product + "; Honker runs on SQLite and PostgreSQL only");
		};
	}

	/**
	 * An SQL expression of the current time in whole Unix seconds, from the database's
	 * clock, so that hosts with skewed clocks agree.
	 */
	public String now() {
		return this.now;
	}

	/**
	 * The statement that begins a transaction that will write: on SQLite
	 * {@code BEGIN IMMEDIATE}, which takes the write lock up front instead of failing to
	 * upgrade a read; on PostgreSQL a plain {@code BEGIN}, rows being locked as they are
	 * written.
	 */
	public String beginWrite() {
		return this.beginWrite;
	}

	/**
	 * A subquery of the integers of a JSON array bound to its single {@code ?}, such as
	 * {@code [1,2,3]}, for {@code id IN (...)}.
	 */
	public String idsOfJsonArray() {
		return this.idsOfJsonArray;
	}

}
