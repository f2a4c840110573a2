package dev.honker.spring.boot.autoconfigure;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How transactions begin and end on the connections Honker hands out, with sqlite-jdbc's
 * {@code transaction_mode=IMMEDIATE}: the write lock is taken once, at the begin; a begin
 * or commit reported as failed has not begun or committed, and leaves the connection
 * usable.
 */
class TransactionBeginTests {

	@TempDir
	Path directory;

	private String url(String journalMode) throws SQLException {
		String url = "jdbc:sqlite:" + this.directory.resolve("begin.db");
		try (Connection setup = DriverManager.getConnection(url); Statement statement = setup.createStatement()) {
			statement.execute("PRAGMA journal_mode = " + journalMode);
			statement.execute("CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, item TEXT)");
		}
		return url;
	}

	private Connection honkerConnection(String url, int busyTimeoutMillis) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("transaction_mode", "IMMEDIATE");
		properties.setProperty("busy_timeout", Integer.toString(busyTimeoutMillis));
		return new HonkerSqliteDataSource(url, properties, HonkerConnectionSetup.from(new HonkerProperties()))
			.getConnection();
	}

	private static Connection other(String url, int busyTimeoutMillis) throws SQLException {
		Connection connection = DriverManager.getConnection(url);
		execute(connection, "PRAGMA busy_timeout = " + busyTimeoutMillis);
		return connection;
	}

	@Test
	void commitReleasesTheWriteLockUntilTheNextBegin() throws SQLException {
		String url = url("WAL");
		try (Connection connection = honkerConnection(url, 1000); Connection other = other(url, 0)) {
			connection.setAutoCommit(false);
			execute(connection, "INSERT INTO orders (item) VALUES ('book')");
			assertThatExceptionOfType(SQLiteException.class).as("the begin took the write lock")
				.isThrownBy(() -> execute(other, "BEGIN IMMEDIATE"))
				.satisfies(ex -> assertThat(ex.getResultCode()).isEqualTo(SQLiteErrorCode.SQLITE_BUSY));
			connection.commit();

			execute(other, "BEGIN IMMEDIATE");
			execute(other, "INSERT INTO orders (item) VALUES ('lamp')");
			execute(other, "COMMIT");
			assertThat(connection.getAutoCommit()).isFalse();
			assertThat(count(connection, "SELECT count(*) FROM orders")).isEqualTo(2);
			connection.setAutoCommit(true);
		}
	}

	@Test
	void aBusyBeginLeavesTheConnectionInAutoCommitModeAndUsable() throws SQLException {
		String url = url("WAL");
		try (Connection connection = honkerConnection(url, 50); Connection other = other(url, 0)) {
			execute(other, "BEGIN IMMEDIATE");
			assertThatExceptionOfType(SQLiteException.class).isThrownBy(() -> connection.setAutoCommit(false))
				.satisfies(ex -> assertThat(ex.getResultCode()).isEqualTo(SQLiteErrorCode.SQLITE_BUSY));
			assertThat(connection.getAutoCommit()).isTrue();
			execute(other, "COMMIT");

			connection.setAutoCommit(false);
			execute(connection, "INSERT INTO orders (item) VALUES ('book')");
			connection.rollback();
			connection.setAutoCommit(true);
			assertThat(count(other, "SELECT count(*) FROM orders")).as("the rolled back insert").isZero();
		}
	}

	@Test
	void aCommitReportedAsFailedHasNotCommitted() throws SQLException {
		String url = url("DELETE");
		try (Connection connection = honkerConnection(url, 50); Connection reader = other(url, 0)) {
			connection.setAutoCommit(false);
			execute(connection, "INSERT INTO orders (item) VALUES ('book')");
			reader.setAutoCommit(false);
			assertThat(count(reader, "SELECT count(*) FROM orders")).isZero();

			assertThatExceptionOfType(SQLException.class).as("the reader's shared lock blocks the commit")
				.isThrownBy(connection::commit);
			reader.setAutoCommit(true);
			connection.rollback();
			connection.setAutoCommit(true);
			assertThat(count(reader, "SELECT count(*) FROM orders")).isZero();

			connection.setAutoCommit(false);
			execute(connection, "INSERT INTO orders (item) VALUES ('lamp')");
			connection.commit();
			connection.setAutoCommit(true);
			assertThat(count(reader, "SELECT count(*) FROM orders")).isOne();
		}
	}

	@Test
	void aRollbackAfterSqliteRolledBackItselfStillLeavesATransactionOpen() throws SQLException {
		String url = url("WAL");
		try (Connection connection = honkerConnection(url, 1000)) {
			connection.setAutoCommit(false);
			execute(connection, "INSERT INTO orders (item) VALUES ('book')");
			execute(connection, "ROLLBACK");

			connection.rollback();
			execute(connection, "INSERT INTO orders (item) VALUES ('lamp')");
			connection.rollback();
			connection.setAutoCommit(true);
			assertThat(count(connection, "SELECT count(*) FROM orders")).isZero();
		}
	}

	private static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private static long count(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); var rows = statement.executeQuery(sql)) {
			rows.next();
			return rows.getLong(1);
		}
	}

}
