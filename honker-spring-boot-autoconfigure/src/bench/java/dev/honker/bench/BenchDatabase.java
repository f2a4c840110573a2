package dev.honker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.stream.Stream;

import dev.honker.sqlite.HonkerFunctions;

/**
 * The database a benchmark runs on: a file in a new temp directory, in WAL mode with
 * synchronous=NORMAL, with the embedded functions and the Honker schema, on one
 * connection. Closing it closes the connection and deletes the directory.
 */
final class BenchDatabase implements AutoCloseable {

	final Connection connection;

	private final Path directory;

	private BenchDatabase(Connection connection, Path directory) {
		this.connection = connection;
		this.directory = directory;
	}

	static BenchDatabase open(String name) throws SQLException, IOException {
		Path directory = Files.createTempDirectory("honker-bench");
		Connection connection = DriverManager.getConnection("jdbc:sqlite:" + directory.resolve(name + ".db"));
		BenchDatabase database = new BenchDatabase(connection, directory);
		database.execute("PRAGMA journal_mode=WAL");
		database.execute("PRAGMA synchronous=NORMAL");
		HonkerFunctions.register(connection);
		database.execute("SELECT honker_bootstrap()");
		System.out.println("SQLite " + connection.getMetaData().getDatabaseProductVersion()
				+ ", WAL, synchronous=NORMAL, " + Runtime.getRuntime().availableProcessors() + " cores, Java "
				+ System.getProperty("java.version"));
		return database;
	}

	/**
	 * A new connection to {@code file} in WAL mode with {@code synchronous=NORMAL}, a
	 * 30 s busy timeout and the embedded functions.
	 */
	static Connection connect(Path file) throws SQLException {
		Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
		try (Statement statement = connection.createStatement()) {
			statement.execute("PRAGMA journal_mode=WAL");
			statement.execute("PRAGMA synchronous=NORMAL");
			statement.execute("PRAGMA busy_timeout=30000");
		}
		HonkerFunctions.register(connection);
		return connection;
	}

	void execute(String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	@Override
	public void close() throws SQLException, IOException {
		connection.close();
		try (Stream<Path> files = Files.list(directory)) {
			for (Path file : (Iterable<Path>) files::iterator) {
				Files.delete(file);
			}
		}
		Files.delete(directory);
	}

	static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

}
