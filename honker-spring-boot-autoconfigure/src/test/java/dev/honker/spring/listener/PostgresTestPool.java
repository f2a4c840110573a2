package dev.honker.spring.listener;

import java.sql.Connection;
import java.sql.SQLException;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.honker.postgres.PostgresBootstrap;
import dev.honker.postgres.PostgresTestServer;

/**
 * A HikariCP pool on a new database of the test PostgreSQL server, with Honker's schema
 * bootstrapped and {@code honker} after {@code public} on each connection's search path,
 * as the starter sets up an application's pool; for tests that prepare and inspect the
 * database of worker JVMs.
 */
public final class PostgresTestPool {

	private PostgresTestPool() {
	}

	/** A pool on a new database; close it after use. */
	public static HikariDataSource pool() {
		return pool(PostgresTestServer.get().createDatabase());
	}

	/** A pool on the database at {@code url}; close it after use. */
	public static HikariDataSource pool(String url) {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(url);
		config.setMaximumPoolSize(4);
		config.setConnectionInitSql("SET search_path TO public, honker");
		HikariDataSource pool = new HikariDataSource(config);
		try (Connection connection = pool.getConnection()) {
			PostgresBootstrap.bootstrap(connection);
		}
		catch (SQLException ex) {
			pool.close();
			throw new IllegalStateException(ex);
		}
		return pool;
	}

}
