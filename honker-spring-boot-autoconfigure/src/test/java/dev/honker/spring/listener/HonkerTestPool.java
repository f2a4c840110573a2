package dev.honker.spring.listener;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.DriverManager;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;

import dev.honker.sqlite.HonkerFunctions;

/**
 * A HikariCP pool on a temp-file SQLite database in WAL mode whose connections carry the
 * embedded Honker functions, the way the starter's DataSource post-processor prepares an
 * application's pool, plus the few SQL helpers the listener tests need.
 */
public final class HonkerTestPool {

	private HonkerTestPool() {
	}

	/** A pool on {@code file}, schema bootstrapped; close it after use. */
	public static HikariDataSource pool(Path file) {
		SQLiteDataSource sqlite = new SQLiteDataSource() {

			private static final long serialVersionUID = 1L;

			@Override
			public SQLiteConnection getConnection(String user, String password) throws SQLException {
				SQLiteConnection connection = super.getConnection(user, password);
				HonkerFunctions.register(connection);
				return connection;
			}
		};
		sqlite.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
		sqlite.setJournalMode("WAL");
		sqlite.setBusyTimeout(10_000);
		HikariConfig config = new HikariConfig();
		config.setDataSource(sqlite);
		config.setMaximumPoolSize(10);
		config.setPoolName("honker-test-" + file.getFileName());
		HikariDataSource pool = new HikariDataSource(config);
		try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("SELECT honker_bootstrap()");
		}
		catch (SQLException ex) {
			pool.close();
			throw new IllegalStateException(ex);
		}
		return pool;
	}

	/** Enqueues a job in its own BEGIN IMMEDIATE transaction and returns its id. */
	public static long enqueue(DataSource dataSource, String queue, String payload, long maxAttempts)
			throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			return enqueue(connection, queue, payload, maxAttempts);
		}
	}

	/**
	 * Enqueues a job on an open autocommit connection, in its own BEGIN IMMEDIATE
	 * transaction.
	 */
	public static long enqueue(Connection connection, String queue, String payload, long maxAttempts)
			throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("BEGIN IMMEDIATE");
			try (PreparedStatement insert = connection
				.prepareStatement("SELECT honker_enqueue(?, ?, NULL, NULL, 0, ?, NULL)")) {
				insert.setString(1, queue);
				insert.setString(2, payload);
				insert.setLong(3, maxAttempts);
				long id;
				try (ResultSet row = insert.executeQuery()) {
					row.next();
					id = row.getLong(1);
				}
				statement.execute("COMMIT");
				return id;
			}
			catch (SQLException ex) {
				statement.execute("ROLLBACK");
				throw ex;
			}
		}
	}

	/** The single number a query returns. */
	public static long queryLong(DataSource dataSource, String sql, Object... arguments) throws SQLException {
		try (Connection connection = dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement(sql)) {
			for (int i = 0; i < arguments.length; i++) {
				statement.setObject(i + 1, arguments[i]);
			}
			try (ResultSet row = statement.executeQuery()) {
				row.next();
				return row.getLong(1);
			}
		}
	}

	/** The single text a query returns, or {@code null}. */
	public static String queryString(DataSource dataSource, String sql, Object... arguments) throws SQLException {
		try (Connection connection = dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement(sql)) {
			for (int i = 0; i < arguments.length; i++) {
				statement.setObject(i + 1, arguments[i]);
			}
			try (ResultSet row = statement.executeQuery()) {
				return row.next() ? row.getString(1) : null;
			}
		}
	}

	/** Runs a statement in autocommit. */
	public static void execute(DataSource dataSource, String sql) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	/**
	 * Replaces a database file the way a restore from backup does: a new file renamed
	 * over it, its old {@code -wal} and {@code -shm} files removed first (left in place,
	 * a connection this JVM opens on the new file would truncate the {@code -shm} that
	 * the old connections still map: SIGBUS).
	 */
	public static void replaceDatabaseFile(Path file) throws SQLException, IOException {
		Path replacement = file.resolveSibling("replacement.db");
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + replacement);
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE t (x)");
		}
		Files.deleteIfExists(file.resolveSibling(file.getFileName() + "-wal"));
		Files.deleteIfExists(file.resolveSibling(file.getFileName() + "-shm"));
		Files.move(replacement, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
	}

}
