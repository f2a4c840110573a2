package dev.honker.spring.boot.autoconfigure;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.util.StringUtils;

/**
 * Puts the {@value #SCHEMA} schema, where the PostgreSQL Honker functions and tables
 * live, at the end of each connection's {@code search_path}, after whatever the user, the
 * role, the database or the URL put there, so that {@code SELECT honker_enqueue(...)}
 * works unqualified in application code and in Honker's own. The statement is idempotent:
 * it changes nothing when the schema is already on the path.
 */
final class PostgresSearchPath {

	/** The schema of the PostgreSQL Honker functions and tables. */
	static final String SCHEMA = "honker";

	static final String APPEND_SQL = "SELECT set_config('search_path', current_setting('search_path') || ', " + SCHEMA
			+ "', false) WHERE NOT ('" + SCHEMA
			+ "' = ANY (string_to_array(replace(current_setting('search_path'), ' ', ''), ',')))";

	private PostgresSearchPath() {
	}

	/**
	 * Makes a Hikari pool that has not started yet run {@link #APPEND_SQL} on each new
	 * connection, after the application's own {@code connection-init-sql} if it has one
	 * (that one may set the path itself).
	 * @return whether the pool was configured; {@code false} for other DataSources and
	 * started pools
	 */
	static boolean installInHikari(DataSource dataSource) {
		if (!(dataSource instanceof HikariDataSource hikari) || hikari.getHikariPoolMXBean() != null
				|| hikari.isClosed()) {
			return false;
		}
		String own = hikari.getConnectionInitSql();
		if (own != null && own.contains(APPEND_SQL)) {
			return true;
		}
		hikari.setConnectionInitSql(StringUtils.hasText(own) ? own + "; " + APPEND_SQL : APPEND_SQL);
		return true;
	}

	/** Appends the schema to one connection's {@code search_path}. */
	static void apply(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(APPEND_SQL);
		}
	}

}
