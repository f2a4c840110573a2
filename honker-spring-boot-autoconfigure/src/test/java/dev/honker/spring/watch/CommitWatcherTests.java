package dev.honker.spring.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class CommitWatcherTests {

	private static final Duration LONG = Duration.ofSeconds(10);

	private static final Duration QUIET = Duration.ofMillis(300);

	/**
	 * Background checkpoints on, so that the watcher's failure and reconnection paths run
	 * with them.
	 */
	private static final WalCheckpointOptions CHECKPOINTS = new WalCheckpointOptions(true, 1_000);

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

	@ParameterizedTest
	@EnumSource(names = { "EVENTS", "POLL" })
	void wakesOnACommitOfAnotherConnection(WatcherMode mode) throws Exception {
		try (Subscription subscription = watcher(mode).subscribe()) {
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

	@ParameterizedTest
	@EnumSource(names = { "EVENTS", "POLL" })
	void rollbackDoesNotWake(WatcherMode mode) throws Exception {
		try (Subscription subscription = watcher(mode).subscribe()) {
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
		DatabaseWatcher viaOtherPath = new SqliteDatabaseWatcher(this.dir.resolve(".").resolve("watched.db"),
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

	@ParameterizedTest
	@EnumSource(names = { "EVENTS", "POLL" })
	void busyPollsKeepTheBaselineInRollbackJournalMode(WatcherMode mode) throws Exception {
		Path journal = this.dir.resolve("journal.db");
		DatabaseWatcher watcher = new SqliteDatabaseWatcher(journal, eventsOnly(mode));
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

	@ParameterizedTest
	@EnumSource(names = { "EVENTS", "POLL" })
	void missingFileWakesThenTheWatcherReconnects(WatcherMode mode) throws Exception {
		try (Subscription subscription = watcher(mode).subscribe()) {
			Path aside = this.dir.resolve("aside.db");
			Files.move(this.file, aside, StandardCopyOption.ATOMIC_MOVE);
			assertThat(subscription.await(null, LONG)).as("conservative wake when the file cannot be stat'ed").isTrue();
			Files.move(aside, this.file, StandardCopyOption.ATOMIC_MOVE);
			drain(subscription);
			insert(this.writer);
			assertThat(subscription.await(null, LONG)).as("wake for a commit after reconnecting").isTrue();
		}
	}

	@ParameterizedTest
	@EnumSource(names = { "EVENTS", "POLL" })
	void replacedFileStopsTheWatcherAndEveryWaitThrows(WatcherMode mode) throws Exception {
		DatabaseWatcher watcher = watcher(mode);
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
			await().atMost(LONG).until(() -> WalCheckpointerTests.threads("honker-checkpoint-") == 0);
		}
		try (Subscription fresh = watcher.subscribe(); Connection onNewFile = connect(this.file, "WAL")) {
			assertThat(watcher.failure()).isEmpty();
			insert(onNewFile);
			assertThat(fresh.await(null, LONG)).isTrue();
		}
	}

	@Test
	void subscribingToAMissingFileFailsClearly() {
		DatabaseWatcher missing = new SqliteDatabaseWatcher(this.dir.resolve("missing.db"), WatcherOptions.DEFAULTS);
		assertThatThrownBy(missing::subscribe).isInstanceOf(WatcherFailedException.class)
			.hasMessageContaining("missing.db")
			.hasMessageContaining("does not exist");
	}

	@Test
	void optionsRejectNonPositiveIntervalsAndAMissingMode() {
		Duration ms = Duration.ofMillis(1);
		WalCheckpointOptions checkpoints = WalCheckpointOptions.DEFAULTS;
		assertThatThrownBy(() -> new WatcherOptions(WatcherMode.AUTO, Duration.ZERO, ms, ms, checkpoints))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessage("poll-interval must be positive, got PT0S");
		assertThatThrownBy(() -> new WatcherOptions(WatcherMode.AUTO, ms, Duration.ofMillis(-5), ms, checkpoints))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessage("safety-poll-interval must be positive, got PT-0.005S");
		assertThatThrownBy(() -> new WatcherOptions(WatcherMode.AUTO, ms, ms, Duration.ofMillis(-1), checkpoints))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("identity-check-interval must be positive");
		assertThatThrownBy(() -> new WatcherOptions(null, ms, ms, ms, checkpoints))
			.isInstanceOf(NullPointerException.class)
			.hasMessage("mode must not be null");
		assertThatThrownBy(() -> new WatcherOptions(WatcherMode.AUTO, ms, ms, ms, null))
			.isInstanceOf(NullPointerException.class)
			.hasMessage("checkpoints must not be null");
	}

	@Test
	void autoModeUsesFileEventsWhereTheKernelDeliversThem() throws Exception {
		WatcherMode expected = System.getProperty("os.name").startsWith("Mac") ? WatcherMode.POLL : WatcherMode.EVENTS;
		try (Subscription subscription = watcher().subscribe()) {
			assertThat(((CommitWatcher) subscription.watcher()).mode()).isEqualTo(expected);
		}
		try (Subscription subscription = watcher(WatcherMode.POLL).subscribe()) {
			assertThat(((CommitWatcher) subscription.watcher()).mode()).isEqualTo(WatcherMode.POLL);
		}
	}

	@Test
	void startupLineNamesTheActiveModeAndWhetherTheBackgroundCheckpointRuns() throws Exception {
		ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) LoggerFactory
			.getLogger(CommitWatcher.class);
		ListAppender<ILoggingEvent> lines = new ListAppender<>();
		lines.start();
		logger.addAppender(lines);
		try {
			try (Subscription subscription = watcher(WatcherMode.EVENTS).subscribe()) {
				assertThat(lines.list).map(ILoggingEvent::getFormattedMessage)
					.anySatisfy((line) -> assertThat(line).contains("watched.db", "in events mode",
							"on each file event", "every 100 ms as a safety poll", "journal mode wal",
							"background WAL checkpoint (PASSIVE) every ~750 pages, before wal_autocheckpoint's 1000"));
			}
			try (Subscription subscription = watcher().subscribe()) {
				assertThat(((CommitWatcher) subscription.watcher()).checkpointer()).as("on by default").isNotNull();
			}
			try (Subscription subscription = new SqliteDatabaseWatcher(this.file,
					WatcherOptions.DEFAULTS.withCheckpoints(new WalCheckpointOptions(false, 1_000)))
				.subscribe()) {
				assertThat(((CommitWatcher) subscription.watcher()).checkpointer()).as("turned off").isNull();
				assertThat(lines.list).map(ILoggingEvent::getFormattedMessage)
					.anySatisfy((line) -> assertThat(line).contains("watched.db", "background WAL checkpoint off"));
			}
		}
		finally {
			logger.detachAppender(lines);
		}
	}

	@Test
	void networkFileSystemsAreNotTrustedForEvents() {
		assertThat(List.of("nfs", "nfs4", "cifs", "smb3", "fuse.sshfs", "9p", "ceph", "virtiofs"))
			.allMatch(FileEventWake::isRemote);
		assertThat(List.of("ext4", "xfs", "btrfs", "tmpfs", "overlay", "zfs", "apfs", "NTFS", "fuseblk"))
			.noneMatch(FileEventWake::isRemote);
	}

	@ParameterizedTest
	@CsvSource({ "WAL, EVENTS", "DELETE, EVENTS", "TRUNCATE, EVENTS", "PERSIST, EVENTS", "WAL, POLL", "DELETE, POLL",
			"TRUNCATE, POLL" })
	void wakesForEveryCommitInEachJournalMode(String journalMode, WatcherMode mode) throws Exception {
		Path database = this.dir.resolve("modes.db");
		try (Connection writer = connect(database, journalMode);
				Subscription subscription = new SqliteDatabaseWatcher(database, eventsOnly(mode)).subscribe()) {
			for (int i = 0; i < 20; i++) {
				insert(writer);
				assertThat(subscription.await(null, LONG)).as("wake for commit #%d", i).isTrue();
			}
		}
	}

	@ParameterizedTest
	@EnumSource(names = { "EVENTS", "POLL" })
	void burstOfTenThousandCommitsNeverLosesTheLastWake(WatcherMode mode) throws Exception {
		int commits = 10_000;
		try (Subscription subscription = watcher(mode).subscribe(); Connection reader = connect(this.file, "WAL")) {
			CompletableFuture<Void> burst = CompletableFuture.runAsync(() -> {
				try (Connection writer = connect(this.file, "WAL");
						PreparedStatement insert = writer.prepareStatement("INSERT INTO t (v) VALUES ('x')")) {
					try (Statement statement = writer.createStatement()) {
						statement.execute("PRAGMA synchronous=OFF");
					}
					for (int i = 0; i < commits; i++) {
						insert.executeUpdate();
					}
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
			});
			long seen = 0;
			int wakes = 0;
			while (seen < commits) {
				assertThat(subscription.await(null, LONG)).as("wake after %d of %d commits were seen", seen, commits)
					.isTrue();
				wakes++;
				seen = count(reader);
			}
			burst.get();
			assertThat(seen).isEqualTo(commits);
			assertThat(wakes).isBetween(1, commits);
		}
	}

	@ParameterizedTest
	@EnumSource(names = { "EVENTS", "POLL" })
	void checkpointsKeepTheWatcherWaking(WatcherMode mode) throws Exception {
		try (Subscription subscription = new SqliteDatabaseWatcher(this.file, eventsOnly(mode)).subscribe();
				Statement statement = this.writer.createStatement()) {
			for (String checkpoint : List.of("PASSIVE", "FULL", "RESTART", "TRUNCATE")) {
				insert(this.writer);
				assertThat(subscription.await(null, LONG)).isTrue();
				statement.executeQuery("PRAGMA wal_checkpoint(" + checkpoint + ")").close();
				drain(subscription);
				insert(this.writer);
				assertThat(subscription.await(null, LONG)).as("wake for a commit after a %s checkpoint", checkpoint)
					.isTrue();
			}
			assertThat(subscription.watcher().failure()).isNull();
		}
	}

	@Test
	void aCommitWhoseFileEventNeverComesIsSeenByTheSafetyPoll() throws Exception {
		// A hard link in another directory: the kernel reports the writes made through it
		// to that directory's watchers only, so the watched directory gets no event.
		this.writer.close();
		this.writer = connect(this.file, "DELETE");
		Path elsewhere = Files.createDirectory(this.dir.resolve("elsewhere"));
		Path link = Files.createLink(elsewhere.resolve("linked.db"), this.file);
		WatcherOptions options = new WatcherOptions(WatcherMode.EVENTS, Duration.ofMillis(1), Duration.ofMillis(20),
				Duration.ofHours(1), CHECKPOINTS);
		try (Subscription subscription = new SqliteDatabaseWatcher(this.file, options).subscribe();
				Connection linked = connect(link, "DELETE");
				Connection reader = connect(this.file, "DELETE")) {
			drain(subscription);
			for (int commit = 1; commit <= 3; commit++) {
				insert(linked);
				assertThat(subscription.await(null, LONG)).as("wake for commit %d", commit).isTrue();
				assertThat(count(reader)).isEqualTo(commit);
				drain(subscription);
			}
		}
	}

	private DatabaseWatcher watcher() {
		return new SqliteDatabaseWatcher(this.file, WatcherOptions.DEFAULTS);
	}

	private DatabaseWatcher watcher(WatcherMode mode) {
		return new SqliteDatabaseWatcher(this.file,
				WatcherOptions.DEFAULTS.withMode(mode).withCheckpoints(CHECKPOINTS));
	}

	/**
	 * Options whose safety poll and identity check are an hour apart, so that in events
	 * mode only file events can wake the watcher within a test's timeout.
	 */
	private static WatcherOptions eventsOnly(WatcherMode mode) {
		Duration hour = Duration.ofHours(1);
		return new WatcherOptions(mode, Duration.ofMillis(1), hour, hour, CHECKPOINTS);
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
