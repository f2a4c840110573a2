package dev.honker.spring.boot.autoconfigure;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.util.ClassUtils;

import dev.honker.spring.watch.PostgresDatabaseWatcher;

/**
 * Builds the {@code LISTEN} watcher of a PostgreSQL DataSource: its one connection
 * outside the pool is opened from the same URL and credentials as the pool's, read from
 * the {@code HikariDataSource} (URL, user, password and {@code data-source-properties}),
 * or for another DataSource from the connection's metadata (URL and user, so the password
 * must then be in the URL or not needed).
 */
final class PostgresWatchers {

	private static final boolean HIKARI_PRESENT = ClassUtils.isPresent("com.zaxxer.hikari.HikariDataSource",
			PostgresWatchers.class.getClassLoader());

	private PostgresWatchers() {
	}

	static PostgresDatabaseWatcher create(DataSource dataSource, Connection connection, Duration pollTimeout)
			throws SQLException {
		if (HIKARI_PRESENT && dataSource instanceof HikariDataSource hikari && hikari.getJdbcUrl() != null) {
			Properties properties = new Properties();
			properties.putAll(hikari.getDataSourceProperties());
			if (hikari.getUsername() != null) {
				properties.setProperty("user", hikari.getUsername());
			}
			if (hikari.getPassword() != null) {
				properties.setProperty("password", hikari.getPassword());
			}
			return new PostgresDatabaseWatcher(hikari.getJdbcUrl(), properties, pollTimeout);
		}
		Properties properties = new Properties();
		String user = connection.getMetaData().getUserName();
		if (user != null) {
			properties.setProperty("user", user);
		}
		return new PostgresDatabaseWatcher(connection.getMetaData().getURL(), properties, pollTimeout);
	}

}
