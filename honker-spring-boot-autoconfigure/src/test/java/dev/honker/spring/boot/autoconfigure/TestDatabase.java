package dev.honker.spring.boot.autoconfigure;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.honker.postgres.PostgresTestServer;
import dev.honker.spring.core.HonkerDialect;

/**
 * The two databases the starter runs on, for tests that keep one promise on both: how a
 * Boot application points at each, and the few SQL forms the tests' own queries need.
 */
public enum TestDatabase {

	/** A SQLite file in WAL mode, transactions beginning with {@code BEGIN IMMEDIATE}. */
	SQLITE {

		@Override
		public String url(Path directory) {
			return "jdbc:sqlite:" + directory.resolve("shop.db");
		}

		@Override
		public List<String> settings(Path directory, String busyTimeoutMillis) {
			return List.of("spring.datasource.url=" + url(directory),
					"spring.datasource.hikari.data-source-properties.journal_mode=WAL",
					"spring.datasource.hikari.data-source-properties.synchronous=NORMAL",
					"spring.datasource.hikari.data-source-properties.busy_timeout=" + busyTimeoutMillis,
					"spring.datasource.hikari.data-source-properties.transaction_mode=IMMEDIATE");
		}

		@Override
		public String orderIdOf(String payloadColumn) {
			return "json_extract(" + payloadColumn + ", '$.orderId')";
		}

		@Override
		public String integerKey() {
			return "INTEGER PRIMARY KEY";
		}

		@Override
		public HonkerDialect dialect() {
			return HonkerDialect.SQLITE;
		}

	},

	/** A fresh database of the test PostgreSQL server. */
	POSTGRESQL {

		@Override
		public String url(Path directory) {
			return PostgresTestServer.get().createDatabase();
		}

		@Override
		public List<String> settings(Path directory, String busyTimeoutMillis) {
			return List.of("spring.datasource.url=" + url(directory));
		}

		@Override
		public String orderIdOf(String payloadColumn) {
			return "CAST(CAST(" + payloadColumn + " AS jsonb) ->> 'orderId' AS bigint)";
		}

		@Override
		public String integerKey() {
			return "BIGSERIAL PRIMARY KEY";
		}

		@Override
		public HonkerDialect dialect() {
			return HonkerDialect.POSTGRESQL;
		}

	};

	/**
	 * A new database's JDBC URL: a file in {@code directory}, or a new PostgreSQL
	 * database.
	 */
	public abstract String url(Path directory);

	/**
	 * The properties of a Boot application on a new database.
	 * @param directory where a SQLite file goes
	 * @param busyTimeoutMillis SQLite's busy timeout; ignored by PostgreSQL, where
	 * writers wait for row locks
	 */
	public abstract List<String> settings(Path directory, String busyTimeoutMillis);

	/** The {@code orderId} of a JSON payload column, as an integer. */
	public abstract String orderIdOf(String payloadColumn);

	/** The type of an auto-incremented integer primary key. */
	public abstract String integerKey();

	/** The starter's dialect of this database, for SQL forms such as the clock. */
	public abstract HonkerDialect dialect();

	/** {@link #settings} followed by {@code more}. */
	public String[] properties(Path directory, String busyTimeoutMillis, String... more) {
		List<String> all = new ArrayList<>(settings(directory, busyTimeoutMillis));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

}
