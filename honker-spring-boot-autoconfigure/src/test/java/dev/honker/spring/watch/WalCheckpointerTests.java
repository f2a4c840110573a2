package dev.honker.spring.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * The background WAL checkpoint that a watcher's JVM runs: it copies the WAL into the
 * database without any commit doing it, only in WAL mode, only when enabled, and it
 * survives a busy lock and a replaced file.
 */
class WalCheckpointerTests {

	private static final Duration LONG = Duration.ofSeconds(20);

	private static final int PAGE = 4096;

	@TempDir
	Path dir;

	@Test
	void copiesTheWalIntoTheDatabaseThatCommitsNeverCheckpoint() throws Exception {
		Path file = this.dir.resolve("wal.db");
		int rows = 0;
		// wal_autocheckpoint=0: this writer never checkpoints, so only the background
		// checkpoint can grow the database file.
		try (Connection writer = connect(file, "WAL", "PRAGMA wal_autocheckpoint=0");
				Subscription subscription = watcher(file, new WalCheckpointOptions(true, 100)).subscribe()) {
			long before = Files.size(file);
			for (; rows < 300; rows++) {
				insertPage(writer);
			}
			WalCheckpointer checkpointer = checkpointer(subscription);
			int[] more = { 0 };
			await().atMost(LONG).until(() -> {
				insertPage(writer);
				more[0]++;
				return Files.size(file) >= before + 200L * PAGE;
			});
			rows += more[0];
			assertThat(checkpointer.checkpoints()).isPositive();
			assertThat(checkpointer.skippedOutsideWal()).isZero();
			assertThat(subscription.watcher().failure()).isNull();
		}
		assertThat(threads("honker-checkpoint-")).isZero();
		// A plain SQLite connection, without Honker, reads the file whole.
		try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + file)) {
			assertThat(query(plain, "PRAGMA integrity_check")).isEqualTo("ok");
			assertThat(query(plain, "SELECT count(*) FROM t")).isEqualTo(String.valueOf(rows));
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "DELETE", "TRUNCATE" })
	void neverCheckpointsInARollbackJournalMode(String journalMode) throws Exception {
		Path file = this.dir.resolve("rollback.db");
		try (Connection writer = connect(file, journalMode);
				Subscription subscription = watcher(file, new WalCheckpointOptions(true, 2)).subscribe()) {
			WalCheckpointer checkpointer = checkpointer(subscription);
			await().atMost(LONG).until(() -> {
				insertPage(writer);
				return checkpointer.skippedOutsideWal() >= 3;
			});
			assertThat(checkpointer.checkpoints()).isZero();
			assertThat(Path.of(file + "-wal")).doesNotExist();
		}
	}

	@Test
	void offWhenDisabledOrWhenTheApplicationTurnedAutomaticCheckpointsOff() throws Exception {
		Path file = this.dir.resolve("off.db");
		ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) LoggerFactory
			.getLogger(CommitWatcher.class);
		ListAppender<ILoggingEvent> lines = new ListAppender<>();
		lines.start();
		logger.addAppender(lines);
		try (Connection writer = connect(file, "WAL")) {
			for (WalCheckpointOptions off : new WalCheckpointOptions[] { new WalCheckpointOptions(false, 1_000),
					new WalCheckpointOptions(true, 0) }) {
				try (Subscription subscription = watcher(file, off).subscribe()) {
					insertPage(writer);
					assertThat(subscription.await(null, LONG)).isTrue();
					assertThat(((CommitWatcher) subscription.watcher()).checkpointer()).isNull();
					assertThat(threads("honker-checkpoint-")).isZero();
				}
			}
		}
		finally {
			logger.detachAppender(lines);
		}
		assertThat(lines.list).map(ILoggingEvent::getFormattedMessage)
			.anySatisfy(line -> assertThat(line).contains("off.db", "background WAL checkpoint off"))
			.anySatisfy(line -> assertThat(line).contains("background WAL checkpoint off, as wal_autocheckpoint is 0"));
	}

	@Test
	void aBusyCheckpointIsSkippedAndTheNextOneRuns() throws Exception {
		Path file = this.dir.resolve("busy.db");
		try (Connection writer = connect(file, "WAL");
				Connection other = connect(file, "WAL", "PRAGMA busy_timeout=20000");
				Statement write = writer.createStatement();
				Subscription subscription = watcher(file, new WalCheckpointOptions(true, 2)).subscribe()) {
			WalCheckpointer checkpointer = checkpointer(subscription);
			insertPage(writer);
			// Its own thread: the common pool may be busy with another test's tasks.
			ExecutorService fullCheckpoint = Executors.newSingleThreadExecutor();
			// A FULL checkpoint of another connection takes the checkpoint lock, then
			// waits for the writer, which holds its write transaction open meanwhile.
			write.execute("BEGIN IMMEDIATE");
			write.execute("INSERT INTO t (v) VALUES (randomblob(3000))");
			CompletableFuture<String> full = CompletableFuture.supplyAsync(() -> {
				try {
					// A FULL checkpoint that meets the background one returns busy at
					// once:
					// again, until one takes the lock and waits for the writer.
					String busy = query(other, "PRAGMA wal_checkpoint(FULL)");
					while (!busy.equals("0")) {
						busy = query(other, "PRAGMA wal_checkpoint(FULL)");
					}
					return busy;
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
			}, fullCheckpoint);
			fullCheckpoint.shutdown();
			await().atMost(LONG).until(() -> {
				checkpointer.committed();
				return checkpointer.skippedBusy() > 0;
			});
			write.execute("COMMIT");
			full.get();
			long done = checkpointer.checkpoints();
			await().atMost(LONG).until(() -> {
				insertPage(writer);
				return checkpointer.checkpoints() > done;
			});
			assertThat(checkpointer.isAlive()).isTrue();
			assertThat(subscription.watcher().failure()).isNull();
		}
	}

	private static WalCheckpointer checkpointer(Subscription subscription) {
		WalCheckpointer checkpointer = ((CommitWatcher) subscription.watcher()).checkpointer();
		assertThat(checkpointer).isNotNull();
		return checkpointer;
	}

	private static DatabaseWatcher watcher(Path file, WalCheckpointOptions checkpoints) {
		return new SqliteDatabaseWatcher(file, WatcherOptions.DEFAULTS.withCheckpoints(checkpoints));
	}

	static long threads(String prefix) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(thread -> thread.getName().startsWith(prefix) && thread.isAlive())
			.count();
	}

	private static Connection connect(Path file, String journalMode, String... pragmas) throws SQLException {
		Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
		try (Statement statement = connection.createStatement()) {
			statement.execute("PRAGMA journal_mode=" + journalMode);
			statement.execute("PRAGMA busy_timeout=5000");
			for (String pragma : pragmas) {
				statement.execute(pragma);
			}
			statement.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v BLOB)");
		}
		return connection;
	}

	/** Commits a row of about a page, so that each commit adds a page to the table. */
	private static void insertPage(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("INSERT INTO t (v) VALUES (randomblob(3000))");
		}
	}

	private static String query(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
			row.next();
			return row.getString(1);
		}
	}

}
