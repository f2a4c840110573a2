package dev.honker.spring.core;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.honker.sqlite.HonkerFunctions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link StatementCache} on real SQLite connections: one statement per physical
 * connection and SQL, kept open across pool borrows, replaced after a failure, dropped
 * with closed connections, and a statement per call on connections that do not unwrap to
 * sqlite-jdbc.
 */
class StatementCacheTests {

	private static final String ENQUEUE = "SELECT honker_enqueue(?, '{}', NULL, NULL, 0, 3, NULL)";

	@TempDir
	Path directory;

	private final StatementCache cache = new StatementCache();

	private String url() {
		return "jdbc:sqlite:" + this.directory.resolve("app.db");
	}

	@BeforeEach
	void createSchema() throws SQLException {
		try (Connection connection = open(); Statement statement = connection.createStatement()) {
			statement.execute("SELECT honker_bootstrap()");
		}
	}

	private Connection open() throws SQLException {
		Connection connection = DriverManager.getConnection(url());
		HonkerFunctions.register(connection);
		return connection;
	}

	@Test
	void reusesOneStatementOfThePhysicalConnectionAcrossPoolBorrows() throws SQLException {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(url());
		config.setMaximumPoolSize(1);
		try (HikariDataSource pool = new HikariDataSource(config)) {
			PreparedStatement first;
			try (Connection borrowed = pool.getConnection()) {
				HonkerFunctions.register(borrowed);
				first = this.cache.run(borrowed, ENQUEUE, statement -> enqueue(statement, "a"));
			}
			assertThat(first.isClosed()).as("left open when the connection went back to the pool").isFalse();
			try (Connection borrowed = pool.getConnection()) {
				PreparedStatement second = this.cache.run(borrowed, ENQUEUE, statement -> enqueue(statement, "b"));
				assertThat(second).isSameAs(first);
				assertThat(count(borrowed)).isEqualTo(2);
			}
		}
	}

	@Test
	void eachPhysicalConnectionHasItsOwnStatements() throws SQLException {
		try (Connection one = open(); Connection two = open()) {
			PreparedStatement ofOne = this.cache.run(one, ENQUEUE, statement -> enqueue(statement, "a"));
			PreparedStatement ofTwo = this.cache.run(two, ENQUEUE, statement -> enqueue(statement, "b"));
			assertThat(ofTwo).isNotSameAs(ofOne);
			PreparedStatement other = this.cache.run(one, "SELECT 1", statement -> statement);
			assertThat(other).isNotSameAs(ofOne);
			assertThat(this.cache.connectionCount()).isEqualTo(2);
		}
	}

	@Test
	void aStatementThatFailedIsClosedAndPreparedAnew() throws SQLException {
		try (Connection connection = open()) {
			PreparedStatement[] failed = new PreparedStatement[1];
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> this.cache.run(connection, ENQUEUE, statement -> {
					failed[0] = statement;
					return enqueue(statement, null);
				}))
				.withMessageContaining("queue must be Text");
			assertThat(failed[0].isClosed()).isTrue();

			PreparedStatement next = this.cache.run(connection, ENQUEUE, statement -> enqueue(statement, "after"));
			assertThat(next).isNotSameAs(failed[0]);
			assertThat(count(connection)).isEqualTo(1);
		}
	}

	@Test
	void theStatementsOfClosedConnectionsLeaveWithTheNextNewConnection() throws SQLException {
		Connection closed = open();
		this.cache.run(closed, ENQUEUE, statement -> enqueue(statement, "a"));
		closed.close();
		assertThat(this.cache.connectionCount()).isEqualTo(1);
		try (Connection open = open()) {
			this.cache.run(open, ENQUEUE, statement -> enqueue(statement, "b"));
			assertThat(this.cache.connectionCount()).isEqualTo(1);
			assertThat(count(open)).isEqualTo(2);
		}
	}

	@Test
	void aConnectionThatDoesNotUnwrapGetsAStatementPerCall() throws SQLException {
		try (Connection physical = open()) {
			Connection opaque = opaque(physical);
			PreparedStatement first = this.cache.run(opaque, ENQUEUE, statement -> enqueue(statement, "a"));
			PreparedStatement second = this.cache.run(opaque, ENQUEUE, statement -> enqueue(statement, "b"));
			assertThat(first.isClosed()).isTrue();
			assertThat(second).isNotSameAs(first);
			assertThat(second.isClosed()).isTrue();
			assertThat(this.cache.connectionCount()).isZero();
			assertThat(count(physical)).isEqualTo(2);
		}
	}

	/** A connection that hides what it wraps, as some DataSource decorators do. */
	private static Connection opaque(Connection target) {
		return (Connection) Proxy.newProxyInstance(StatementCacheTests.class.getClassLoader(),
				new Class<?>[] { Connection.class }, (proxy, method, args) -> {
					if (method.getName().equals("isWrapperFor")) {
						return false;
					}
					try {
						return method.invoke(target, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
	}

	/** Enqueues on the statement and returns it. */
	private static PreparedStatement enqueue(PreparedStatement statement, String queue) throws SQLException {
		statement.setString(1, queue);
		try (ResultSet id = statement.executeQuery()) {
			assertThat(id.next()).isTrue();
			assertThat(id.getLong(1)).isPositive();
		}
		return statement;
	}

	private static long count(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT count(*) FROM _honker_live")) {
			rows.next();
			return rows.getLong(1);
		}
	}

}
