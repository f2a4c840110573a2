package dev.honker.spring.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.honker.sqlite.HonkerFunctions;

/**
 * Wake, claim and acknowledgement across processes in each journal mode a file may be in:
 * a worker JVM whose idle poll is an hour handles each job that this JVM enqueues and
 * commits, so only the commit's wake can have started it, and its acknowledgement leaves
 * nothing behind.
 */
class JournalModesTests {

	@TempDir
	Path directory;

	@ParameterizedTest
	@ValueSource(strings = { "WAL", "DELETE", "TRUNCATE" })
	@Timeout(value = 3, unit = TimeUnit.MINUTES)
	void aWorkerInAnotherProcessIsWokenClaimsAndAcknowledges(String journalMode) throws Exception {
		Path file = this.directory.resolve("modes.db");
		try (Connection producer = DriverManager.getConnection("jdbc:sqlite:" + file)) {
			execute(producer, "PRAGMA journal_mode = " + journalMode);
			execute(producer, "PRAGMA busy_timeout = 10000");
			HonkerFunctions.register(producer);
			execute(producer, "SELECT honker_bootstrap()");
			try (ChildJvm worker = ChildJvm.startPiped(WorkerMain.class, "--worker.db=" + file, "--worker.queue=modes",
					"--worker.mode=print", "--honker.sqlite.journal-mode=" + journalMode,
					"--honker.listener.idle-poll-interval=1h", "--logging.level.root=WARN")) {
				BufferedReader lines = worker.lines();
				assertThat(nextLine(lines, "worker ready")).isNotNull();
				for (int i = 0; i < 3; i++) {
					long id = enqueue(producer, "{\"n\":" + i + "}");
					assertThat(nextLine(lines, "handled ")).as("woken in %s mode", journalMode)
						.startsWith("handled " + id + " ");
				}
				await().atMost(Duration.ofSeconds(30)).until(() -> count(producer, "_honker_live") == 0);
				assertThat(count(producer, "_honker_dead")).isZero();
				assertThat(query(producer, "PRAGMA journal_mode")).isEqualToIgnoringCase(journalMode);
			}
		}
	}

	/**
	 * The worker's next output line that starts with {@code prefix} (banner and logs
	 * skipped).
	 */
	private static String nextLine(BufferedReader lines, String prefix) throws IOException {
		for (String line = lines.readLine(); line != null; line = lines.readLine()) {
			if (line.startsWith(prefix)) {
				return line;
			}
		}
		return null;
	}

	private static long enqueue(Connection connection, String payload) throws SQLException {
		try (PreparedStatement enqueue = connection
			.prepareStatement("SELECT honker_enqueue('modes', ?, NULL, NULL, 0, 3, NULL)")) {
			enqueue.setString(1, payload);
			try (ResultSet row = enqueue.executeQuery()) {
				row.next();
				return row.getLong(1);
			}
		}
	}

	private static long count(Connection connection, String table) throws SQLException {
		return Long.parseLong(query(connection, "SELECT count(*) FROM " + table));
	}

	private static String query(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
			row.next();
			return row.getString(1);
		}
	}

	private static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

}
