package dev.honker.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Another process on the same database file: a child JVM that opens the file with the
 * embedded functions, runs one statement in {@code BEGIN IMMEDIATE ... COMMIT}, prints
 * the first column of its first row and exits without closing anything, as a crashed or
 * careless process would.
 */
final class SeparateJvm {

	private SeparateJvm() {
	}

	/** The child's entry point: {@code <database file> <select statement>}. */
	public static void main(String[] args) throws Exception {
		Connection connection = TestDatabase.open(Path.of(args[0]));
		try (var statement = connection.createStatement()) {
			statement.execute("PRAGMA busy_timeout=30000");
			statement.execute("BEGIN IMMEDIATE");
			String result = TestDatabase.queryString(connection, args[1]);
			statement.execute("COMMIT");
			System.out.println(result);
		}
		System.exit(0);
	}

	/** Starts a child JVM that runs {@code sql} on {@code database}. */
	static Process start(Path database, String sql) throws IOException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		return new ProcessBuilder(List.of(java, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
				SeparateJvm.class.getName(), database.toString(), sql))
			.redirectErrorStream(true)
			.start();
	}

	/** Waits for a child to exit successfully and returns what its statement returned. */
	static String resultOf(Process child) throws IOException, InterruptedException {
		boolean finished = child.waitFor(60, TimeUnit.SECONDS);
		if (!finished) {
			child.destroyForcibly();
		}
		String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
		assertThat(finished).as("child JVM finished within 60 s, output: %s", output).isTrue();
		assertThat(child.exitValue()).as("child JVM exit code, output: %s", output).isZero();
		return output.substring(output.lastIndexOf('\n') + 1);
	}

	/** Runs {@code sql} in a child JVM and returns its result. */
	static String run(Path database, String sql) throws IOException, InterruptedException {
		return resultOf(start(database, sql));
	}

}
