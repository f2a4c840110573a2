package dev.honker.spring.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The database under the Honker functions, and the few SQL forms that differ between
 * SQLite and PostgreSQL. Everything else goes through the {@code honker_*} functions,
 * which have the same names, arguments and results on both; a class that writes SQL of
 * its own takes the differing pieces from here.
 */
public enum HonkerDialect {

	/** SQLite, with the embedded Java functions or the native extension. */
	SQLITE("unixepoch()", "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)", "BEGIN IMMEDIATE",
			"SELECT value FROM json_each(?)",
			"(SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = '_honker_live')", "PRAGMA query_only"),

	/** PostgreSQL, with the functions of the {@code honker} schema. */
	POSTGRESQL("CAST(floor(extract(epoch FROM clock_timestamp())) AS bigint)",
			"CAST(floor(extract(epoch FROM clock_timestamp()) * 1000) AS bigint)", "BEGIN",
			"SELECT CAST(jsonb_array_elements_text(CAST(? AS jsonb)) AS bigint)",
			"coalesce(pg_sequence_last_value(pg_get_serial_sequence('_honker_live', 'id')), 0)",
			"SELECT CASE WHEN current_setting('transaction_read_only') = 'on' THEN 1 ELSE 0 END");

	private final String now;

	private final String nowMillis;

	private final String beginWrite;

	private final String idsOfJsonArray;

	private final String highestJobId;

	private final String readOnly;

	HonkerDialect(String now, String nowMillis, String beginWrite, String idsOfJsonArray, String highestJobId,
			String readOnly) {
		this.now = now;
		this.nowMillis = nowMillis;
		this.beginWrite = beginWrite;
		this.idsOfJsonArray = idsOfJsonArray;
		this.highestJobId = highestJobId;
		this.readOnly = readOnly;
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
		HonkerDialect dialect = ofProduct(product);
		if (dialect == null) {
			throw new IllegalStateException(
					"honker: the database is " + product + "; Honker runs on SQLite and PostgreSQL only");
		}
		return dialect;
	}

	/**
	 * The dialect of a database product, as JDBC metadata names it.
	 * @param product the product name, such as {@code SQLite} or {@code PostgreSQL}
	 * @return the dialect, or {@code null} for another database
	 */
	public static @Nullable HonkerDialect ofProduct(@Nullable String product) {
		if (product == null) {
			return null;
		}
		return switch (product.toLowerCase(Locale.ROOT)) {
			case "sqlite" -> SQLITE;
			case "postgresql" -> POSTGRESQL;
			default -> null;
		};
	}

	/**
	 * An SQL expression of the current time in whole Unix seconds, from the database's
	 * clock, so that hosts with skewed clocks agree; on PostgreSQL the wall clock
	 * ({@code clock_timestamp()}), as the functions read it, not the start of the
	 * transaction.
	 */
	public String now() {
		return this.now;
	}

	/**
	 * An SQL expression of the database's current time in Unix milliseconds, from the
	 * same clock as {@link #now()}.
	 */
	public String nowMillis() {
		return this.nowMillis;
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

	/**
	 * An SQL expression of the highest job id ever handed out, 0 before the first: on
	 * SQLite from {@code sqlite_sequence}, on PostgreSQL from the identity sequence of
	 * {@code _honker_live.id} (which, unlike SQLite, also counts rolled-back enqueues).
	 */
	public String highestJobId() {
		return this.highestJobId;
	}

	/**
	 * A query whose single value is 1 when the connection cannot write: SQLite's
	 * {@code PRAGMA query_only}, PostgreSQL's {@code transaction_read_only}.
	 */
	public String readOnly() {
		return this.readOnly;
	}

}
