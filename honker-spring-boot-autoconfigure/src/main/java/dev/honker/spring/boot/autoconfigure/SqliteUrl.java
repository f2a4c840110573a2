package dev.honker.spring.boot.autoconfigure;

import java.util.Locale;

import java.nio.file.Path;

import javax.sql.DataSource;

import org.sqlite.SQLiteDataSource;

import org.springframework.jdbc.datasource.AbstractDriverBasedDataSource;
import org.springframework.util.ClassUtils;
import org.jspecify.annotations.Nullable;

/**
 * Reads JDBC URLs: whether one is SQLite or PostgreSQL, whether it is in memory, its
 * database kind, and a DataSource's URL when it has one.
 */
final class SqliteUrl {

	static final String PREFIX = "jdbc:sqlite:";

	static final String POSTGRES_PREFIX = "jdbc:postgresql:";

	private static final boolean HIKARI_PRESENT = ClassUtils.isPresent("com.zaxxer.hikari.HikariDataSource",
			SqliteUrl.class.getClassLoader());

	private SqliteUrl() {
	}

	static boolean isSqlite(String url) {
		return url != null && url.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
	}

	static boolean isPostgres(String url) {
		return url != null && url.regionMatches(true, 0, POSTGRES_PREFIX, 0, POSTGRES_PREFIX.length());
	}

	/**
	 * Whether a SQLite URL names an in-memory or private temporary database:
	 * {@code :memory:}, an empty file name, {@code file::memory:} or a URI with
	 * {@code mode=memory}.
	 */
	static boolean isInMemory(String url) {
		String address = url.substring(PREFIX.length());
		int query = address.indexOf('?');
		String file = (query >= 0) ? address.substring(0, query) : address;
		String parameters = (query >= 0) ? address.substring(query + 1).toLowerCase(Locale.ROOT) : "";
		if (file.startsWith("file:")) {
			file = file.substring("file:".length());
		}
		return file.isEmpty() || file.startsWith(":memory:") || ("&" + parameters).contains("&mode=memory");
	}

	/**
	 * The database kind of a JDBC URL, such as {@code jdbc:postgresql}, without host,
	 * credentials or options.
	 */
	static String scheme(String url) {
		if (url == null) {
			return "an unknown database";
		}
		int second = url.indexOf(':', url.indexOf(':') + 1);
		return (second > 0) ? url.substring(0, second) : url;
	}

	/**
	 * The database file a {@code jdbc:sqlite:} URL names (plain or {@code file:} form),
	 * without its query parameters.
	 */
	static Path file(String url) {
		String path = url.substring(PREFIX.length());
		if (path.startsWith("file:")) {
			path = path.substring("file:".length());
		}
		int query = path.indexOf('?');
		return Path.of((query >= 0) ? path.substring(0, query) : path);
	}

	/**
	 * The URL a DataSource connects to, read without connecting, or {@code null} when it
	 * cannot be told.
	 */
	static @Nullable String of(DataSource dataSource) {
		if (dataSource instanceof HonkerSqliteDataSource honker) {
			return honker.getUrl();
		}
		if (dataSource instanceof HonkerDataSource honker) {
			return (honker.getTargetDataSource() != null) ? of(honker.getTargetDataSource()) : null;
		}
		if (dataSource instanceof SQLiteDataSource sqlite) {
			return sqlite.getUrl();
		}
		if (dataSource instanceof AbstractDriverBasedDataSource driverBased) {
			return driverBased.getUrl();
		}
		if (HIKARI_PRESENT) {
			return HikariSupport.jdbcUrl(dataSource);
		}
		return null;
	}

}
