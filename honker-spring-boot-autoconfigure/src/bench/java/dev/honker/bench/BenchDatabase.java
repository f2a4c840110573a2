package dev.honker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
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

	/** One call of a per-call benchmark. */
	@FunctionalInterface
	interface Call {

		void run() throws SQLException;

	}

	/**
	 * Times {@code calls} in rotating rounds after a warm-up: each round runs one call
	 * {@code callsPerRound} times in one transaction, on an emptied {@code table}, after
	 * a WAL checkpoint.
	 * @return microseconds per call, by call and round
	 */
	double[][] rotatingRounds(List<Call> calls, String table, int callsPerRound, int warmUpRounds, int rounds)
			throws SQLException {
		for (int i = 0; i < warmUpRounds; i++) {
			for (Call call : calls) {
				round(call, table, callsPerRound);
			}
		}
		double[][] micros = new double[calls.size()][rounds];
		for (int i = 0; i < rounds; i++) {
			for (int c = 0; c < calls.size(); c++) {
				int call = (i + c) % calls.size();
				micros[call][i] = round(calls.get(call), table, callsPerRound);
			}
		}
		return micros;
	}

	private double round(Call call, String table, int callsPerRound) throws SQLException {
		execute("DELETE FROM " + table);
		execute("PRAGMA wal_checkpoint(TRUNCATE)");
		execute("BEGIN");
		long start = System.nanoTime();
		for (int i = 0; i < callsPerRound; i++) {
			call.run();
		}
		long elapsed = System.nanoTime() - start;
		execute("COMMIT");
		return elapsed / 1_000.0 / callsPerRound;
	}

	static String format(double[] values) {
		return Arrays.stream(values).mapToObj(v -> String.format("%.2f", v)).toList().toString();
	}

	static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

}
