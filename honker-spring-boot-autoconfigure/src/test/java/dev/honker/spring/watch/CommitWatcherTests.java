package dev.honker.spring.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitWatcherTests {

	private static final Duration LONG = Duration.ofSeconds(10);

	private static final Duration QUIET = Duration.ofMillis(300);

	@TempDir
	Path dir;

	private Path file;

	private Connection writer;

	@BeforeEach
	void createDatabase() throws SQLException {
		this.file = this.dir.resolve("watched.db");
		this.writer = connect(this.file, "WAL");
	}

	@AfterEach
	void closeWriter() throws SQLException {
		this.writer.close();
	}

	@Test
	void wakesOnACommitOfAnotherConnection() throws Exception {
		try (Subscription subscription = watcher().subscribe()) {
			insert(this.writer);
			assertThat(subscription.await(null, LONG)).isTrue();
		}
	}

	@Test
	void baselineIsReadBeforeSubscribeReturns() throws Exception {
		DatabaseWatcher watcher = watcher();
		for (int i = 0; i < 20; i++) {
			try (Subscription subscription = watcher.subscribe()) {
				insert(this.writer);
				assertThat(subscription.await(null, LONG)).as("wake for the commit right after subscribe #%d", i)
					.isTrue();
			}
			await().atMost(LONG).until(() -> CommitWatchers.running() == 0);
		}
	}

	@Test
	void rollbackDoesNotWake() throws Exception {
		try (Subscription subscription = watcher().subscribe()) {
			insert(this.writer);
			assertThat(subscription.await(null, LONG)).isTrue();
			drain(subscription);
			this.writer.setAutoCommit(false);
			insert(this.writer);
			this.writer.rollback();
			this.writer.setAutoCommit(true);
			assertThat(subscription.await(null, QUIET)).as("wake after a rollback").isFalse();
			insert(this.writer);
			assertThat(subscription.await(null, LONG)).isTrue();
		}
	}

	@Test
	void burstOfCommitsCoalescesIntoAtMostTwoWakes() throws Exception {
		try (Subscription subscription = watcher().subscribe()) {
			for (int i = 0; i < 200; i++) {
				insert(this.writer);
			}
			int wakes = 0;
			while (subscription.await(null, QUIET)) {
				wakes++;
			}
			assertThat(wakes).isBetween(1, 2);
		}
	}

	@Test
	void subscribeBeforeTheFirstReadMissesNoCommit() throws Exception {
		try (Subscription subscription = watcher().subscribe()) {
			long seen = count(this.writer);
			try (Connection other = connect(this.file, "WAL")) {
				insert(other);
			}
			assertThat(subscription.await(null, LONG)).isTrue();
			assertThat(count(this.writer)).isEqualTo(seen + 1);
		}
	}

	@Test
	void localSignalWakesOnlyThatSubscriber() throws Exception {
		DatabaseWatcher watcher = watcher();
		try (Subscription first = watcher.subscribe(); Subscription second = watcher.subscribe()) {
			first.signal();
			assertThat(first.await(null, LONG)).isTrue();
			assertThat(second.await(null, QUIET)).isFalse();
		}
	}

	@Test
	void waitEndsAtTheDeadlineBeforeTheFallback() throws Exception {
		try (Subscription subscription = watcher().subscribe()) {
			Instant deadline = Instant.now().plusMillis(200);
			boolean woken = subscription.await(deadline, Duration.ofSeconds(30));
			assertThat(woken).isFalse();
			assertThat(Instant.now()).isAfterOrEqualTo(deadline.minusMillis(20)).isBefore(deadline.plusSeconds(20));
		}
	}

	@Test
	void waitEndsAtTheFallbackBeforeADistantDeadline() throws Exception {
		try (Subscription subscription = watcher().subscribe()) {
			Instant start = Instant.now();
			boolean woken = subscription.await(start.plusSeconds(3600), Duration.ofMillis(200));
			assertThat(woken).isFalse();
			assertThat(Instant.now()).isAfterOrEqualTo(start.plusMillis(180)).isBefore(start.plusSeconds(60));
		}
	}

	@Test
	void oneThreadPerFileStoppedByTheLastClose() throws Exception {
		DatabaseWatcher direct = watcher();
		DatabaseWatcher viaOtherPath = new DatabaseWatcher(this.dir.resolve(".").resolve("watched.db"),
				WatcherOptions.DEFAULTS);
		Subscription first = direct.subscribe();
		Subscription second = viaOtherPath.subscribe();
		assertThat(watcherThreads()).isEqualTo(1);
		insert(this.writer);
		assertThat(first.await(null, LONG)).isTrue();
		assertThat(second.await(null, LONG)).isTrue();
		first.close();
		assertThat(watcherThreads()).isEqualTo(1);
		second.close();
		await().atMost(LONG).until(() -> watcherThreads() == 0);
		assertThatThrownBy(() -> second.await(null, QUIET)).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("closed");
	}

	@Test
	void busyPollsKeepTheBaselineInRollbackJournalMode() throws Exception {
		Path journal = this.dir.resolve("journal.db");
		DatabaseWatcher watcher = new DatabaseWatcher(journal, WatcherOptions.DEFAULTS);
		try (Connection holder = connect(journal, "DELETE");
				Subscription subscription = watcher.subscribe();
				Statement statement = holder.createStatement()) {
			statement.execute("BEGIN EXCLUSIVE");
			statement.execute("INSERT INTO t (v) VALUES ('locked')");
			assertThat(subscription.await(null, QUIET)).as("wake while a writer holds the exclusive lock").isFalse();
			statement.execute("COMMIT");
			assertThat(subscription.await(null, LONG)).as("wake for the commit after BUSY polls").isTrue();
			assertThat(watcher.failure()).isEmpty();
		}
	}

	@Test
	void missingFileWakesThenTheWatcherReconnects() throws Exception {
		try (Subscription subscription = watcher().subscribe()) {
			Path aside = this.dir.resolve("aside.db");
			Files.move(this.file, aside, StandardCopyOption.ATOMIC_MOVE);
			assertThat(subscription.await(null, LONG)).as("conservative wake when the file cannot be stat'ed").isTrue();
			Files.move(aside, this.file, StandardCopyOption.ATOMIC_MOVE);
			drain(subscription);
			insert(this.writer);
			assertThat(subscription.await(null, LONG)).as("wake for a commit after reconnecting").isTrue();
		}
	}

	@Test
	void replacedFileStopsTheWatcherAndEveryWaitThrows() throws Exception {
		DatabaseWatcher watcher = watcher();
		try (Subscription first = watcher.subscribe(); Subscription second = watcher.subscribe()) {
			Path replacement = this.dir.resolve("replacement.db");
			connect(replacement, "WAL").close();
			// A restore replaces the whole database: unlink the old -wal and -shm too.
			// Left in place, a
			// connection this JVM opens on the new file would truncate the -shm that the
			// old connections
			// still map (their POSIX locks don't exclude it: same process), and they
			// would die of SIGBUS.
			Files.deleteIfExists(Path.of(this.file + "-wal"));
			Files.deleteIfExists(Path.of(this.file + "-shm"));
			Files.move(replacement, this.file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			await().atMost(LONG)
				.untilAsserted(() -> assertThatThrownBy(() -> first.await(null, QUIET))
					.isInstanceOf(WatcherFailedException.class)
					.hasMessageContaining("database file replaced")
					.hasMessageContaining(this.file.toRealPath().toString()));
			assertThatThrownBy(() -> second.await(null, QUIET)).isInstanceOf(WatcherFailedException.class);
			assertThat(watcher.failure())
				.hasValueSatisfying(failure -> assertThat(failure).hasMessageContaining("cannot recover"));
			await().atMost(LONG).until(() -> watcherThreads() == 0);
		}
		try (Subscription fresh = watcher.subscribe(); Connection onNewFile = connect(this.file, "WAL")) {
			assertThat(watcher.failure()).isEmpty();
			insert(onNewFile);
			assertThat(fresh.await(null, LONG)).isTrue();
		}
	}

	@Test
	void subscribingToAMissingFileFailsClearly() {
		DatabaseWatcher missing = new DatabaseWatcher(this.dir.resolve("missing.db"), WatcherOptions.DEFAULTS);
		assertThatThrownBy(missing::subscribe).isInstanceOf(WatcherFailedException.class)
			.hasMessageContaining("missing.db")
			.hasMessageContaining("does not exist");
	}

	@Test
	void optionsRejectNonPositiveIntervals() {
		assertThatThrownBy(() -> new WatcherOptions(Duration.ZERO, Duration.ofMillis(100)))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessage("poll-interval must be positive, got PT0S");
		assertThatThrownBy(() -> new WatcherOptions(Duration.ofMillis(1), Duration.ofMillis(-1)))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessage("identity-check-interval must be positive, got PT-0.001S");
	}

	private DatabaseWatcher watcher() {
		return new DatabaseWatcher(this.file, WatcherOptions.DEFAULTS);
	}

	private static void drain(Subscription subscription) throws InterruptedException {
		while (subscription.await(null, QUIET)) {
			// consume wakes until the file is quiet
		}
	}

	private static long watcherThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(thread -> thread.getName().startsWith("honker-watcher-") && thread.isAlive())
			.count();
	}

	private static Connection connect(Path file, String journalMode) throws SQLException {
		Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
		try (Statement statement = connection.createStatement()) {
			statement.execute("PRAGMA journal_mode=" + journalMode);
			statement.execute("PRAGMA busy_timeout=5000");
			statement.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)");
		}
		return connection;
	}

	private static void insert(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("INSERT INTO t (v) VALUES ('x')");
		}
	}

	private static long count(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				var rows = statement.executeQuery("SELECT count(*) FROM t")) {
			rows.next();
			return rows.getLong(1);
		}
	}

}
