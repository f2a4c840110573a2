package dev.honker.spring.watch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.sqlite.SQLiteConfig;
import dev.honker.sqlite.SqliteSupport;
import org.jspecify.annotations.Nullable;

/**
 * Watches one database file on a dedicated daemon thread with its own read-only
 * connection, and signals every subscriber when {@code PRAGMA data_version} changes,
 * which happens on every commit by any other connection, in any process. What wakes the
 * thread to read it is a {@link WakeSource}: file events on the database's directory with
 * a slow safety poll, or a fixed poll, chosen at start from {@link WatcherOptions#mode()}
 * and logged once.
 *
 * <ul>
 * <li>The connection is opened and read once, then the wake source is set up, then the
 * baseline is read, before {@link #start} returns, so a commit right after it is seen.
 * The first read opens the {@code -wal} and {@code -shm} files, which SQLite
 * {@code fchown}s when the process runs as root: a file event that, if the wake source
 * were already set up, would keep the watcher alert (reading every poll interval) for a
 * second after every start, for nothing.</li>
 * <li>SQLITE_BUSY or SQLITE_LOCKED on a read: try again on the next one, keeping the
 * baseline.</li>
 * <li>Any other error: drop the connection and wake everyone once; the next read reopens
 * the connection, reads a new baseline and wakes everyone again, since commits may have
 * been missed.</li>
 * <li>Every identity-check interval of elapsed time, and at once when a file event says
 * that a file took or left the database's name, the file's {@code fileKey()} (device and
 * inode) is compared with the one seen at start. The file is only ever stat'ed: opening
 * and closing the database, -wal or -shm file with Java I/O would drop SQLite's POSIX
 * locks for the whole process. A different key means the file was replaced: the watcher
 * stops for good and every subscriber's wait throws.</li>
 * </ul>
 */
final class CommitWatcher implements SharedWatcher {

	private static final Log logger = LogFactory.getLog(CommitWatcher.class);

	private final Path file;

	private final WatcherOptions options;

	private final Object fileKey;

	private final List<Subscription> subscribers = new CopyOnWriteArrayList<>();

	private final Thread thread;

	private final WakeSource wake;

	private final @Nullable WalCheckpointer checkpointer;

	private final String journalMode;

	private volatile boolean running = true;

	private volatile @Nullable WatcherFailedException failure;

	private @Nullable Connection connection;

	private @Nullable DataVersionQuery dataVersion;

	private long lastVersion;

	private boolean problemLogged;

	private CommitWatcher(Path file, WatcherOptions options) throws IOException, SQLException {
		this.file = file;
		this.options = options;
		this.fileKey = fileKey(file);
		open();
		try {
			this.wake = wakeSource(file, options);
		}
		catch (RuntimeException ex) {
			closeConnection();
			throw ex;
		}
		try {
			this.lastVersion = this.dataVersion.read();
		}
		catch (SQLException ex) {
			this.wake.close();
			closeConnection();
			throw ex;
		}
		this.journalMode = journalModeForLog();
		this.thread = new Thread(this::run, "honker-watcher-" + file.getFileName());
		this.thread.setDaemon(true);
		this.checkpointer = options.checkpoints().active() ? WalCheckpointer.start(file, options.checkpoints()) : null;
	}

	/**
	 * Sets up the wake source, opens the connection, reads the baseline, then starts
	 * watching.
	 */
	static CommitWatcher start(Path file, WatcherOptions options) {
		CommitWatcher watcher;
		try {
			watcher = new CommitWatcher(file, options);
		}
		catch (IOException | SQLException ex) {
			throw new WatcherFailedException("honker: cannot start the commit watcher of " + file + ": " + ex, ex);
		}
		logger.info("honker: commit watcher of " + file + " in " + watcher.mode().name().toLowerCase(Locale.ROOT)
				+ " mode: " + watcher.wake.describe() + "; journal mode " + watcher.journalMode + ", "
				+ options.checkpoints().describe()
				+ ((watcher.checkpointer != null && !"wal".equals(watcher.journalMode)) ? " (idle outside WAL mode)"
						: ""));
		watcher.thread.start();
		return watcher;
	}

	private static WakeSource wakeSource(Path file, WatcherOptions options) {
		if (options.mode() == WatcherMode.POLL) {
			return new PollingWake(options, "mode poll");
		}
		try {
			return FileEventWake.open(file, options);
		}
		catch (FileEventWake.Unavailable ex) {
			if (options.mode() == WatcherMode.EVENTS) {
				throw new WatcherFailedException(
						"honker: the commit watcher of " + file + " cannot run in mode events: " + ex.getMessage()
								+ ". Use mode auto (which falls back to polling) or poll.",
						ex);
			}
			return new PollingWake(options, "mode auto, file events unavailable: " + ex.getMessage());
		}
	}

	/** The mode in effect: {@link WatcherMode#EVENTS} or {@link WatcherMode#POLL}. */
	WatcherMode mode() {
		return this.wake.mode();
	}

	Path file() {
		return this.file;
	}

	/** The background checkpoint, if it runs; for tests. */
	@Nullable WalCheckpointer checkpointer() {
		return this.checkpointer;
	}

	@Override
	public String description() {
		return "the commit watcher of " + this.file;
	}

	@Override
	public @Nullable WatcherFailedException failure() {
		return this.failure;
	}

	Subscription addSubscriber() {
		Subscription subscription = new Subscription(this);
		this.subscribers.add(subscription);
		return subscription;
	}

	@Override
	public void unsubscribe(Subscription subscription) {
		CommitWatchers.unsubscribe(this, subscription);
	}

	/** Removes a subscriber; returns whether it was the last one. */
	boolean removeSubscriber(Subscription subscription) {
		this.subscribers.remove(subscription);
		return this.subscribers.isEmpty();
	}

	void stop() {
		this.running = false;
		this.wake.close();
		LockSupport.unpark(this.thread);
		if (Thread.currentThread() != this.thread) {
			try {
				this.thread.join(TimeUnit.SECONDS.toMillis(5));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private void run() {
		long identityNanos = this.options.identityCheckInterval().toNanos();
		long nextIdentityCheck = System.nanoTime() + identityNanos;
		try {
			ReadOutcome last = ReadOutcome.UNCHANGED;
			while (this.running) {
				FileActivity activity = this.wake.await(last);
				if (!this.running) {
					break;
				}
				long now = System.nanoTime();
				if (activity == FileActivity.RENAMED || now - nextIdentityCheck >= 0) {
					nextIdentityCheck = now + identityNanos;
					checkIdentity();
				}
				last = poll();
			}
		}
		catch (InterruptedException ex) {
			fail(new WatcherFailedException("honker: the commit watcher of " + this.file + " was interrupted", ex));
		}
		catch (WatcherFailedException ex) {
			fail(ex);
		}
		catch (RuntimeException | Error ex) {
			fail(new WatcherFailedException("honker: the commit watcher of " + this.file + " died unexpectedly: " + ex,
					ex));
		}
		finally {
			this.wake.close();
			closeConnection();
			if (this.checkpointer != null) {
				this.checkpointer.stop();
			}
		}
	}

	private ReadOutcome poll() {
		if (this.connection == null) {
			return reopen();
		}
		try {
			long version = this.dataVersion.read();
			if (version == this.lastVersion) {
				return ReadOutcome.UNCHANGED;
			}
			this.lastVersion = version;
			wakeAll();
			if (this.checkpointer != null) {
				this.checkpointer.committed();
			}
			return ReadOutcome.CHANGED;
		}
		catch (SQLException ex) {
			if (SqliteSupport.isBusyOrLocked(ex)) {
				return ReadOutcome.RETRY;
			}
			logProblem("polling PRAGMA data_version failed; reconnecting", ex);
			closeConnection();
			wakeAll();
			return ReadOutcome.RETRY;
		}
	}

	private ReadOutcome reopen() {
		try {
			open();
			this.problemLogged = false;
			logger.info("honker: the commit watcher of " + this.file + " reconnected");
			wakeAll();
			return ReadOutcome.CHANGED;
		}
		catch (SQLException ex) {
			closeConnection();
			logProblem("cannot reopen the database file; retrying", ex);
			return ReadOutcome.RETRY;
		}
	}

	private void checkIdentity() {
		Object current;
		try {
			current = fileKey(this.file);
		}
		catch (IOException ex) {
			logProblem("cannot stat the database file; reconnecting", ex);
			closeConnection();
			wakeAll();
			return;
		}
		if (!Objects.equals(current, this.fileKey)) {
			throw new WatcherFailedException("honker: database file replaced: expected " + this.fileKey + ", found "
					+ current + " at \"" + this.file + "\". The commit watcher cannot recover: restart the application "
					+ "so that it opens the new file.", null);
		}
	}

	private void fail(WatcherFailedException ex) {
		this.failure = ex;
		this.running = false;
		logger.error(ex.getMessage(), ex);
		wakeAll();
	}

	private void wakeAll() {
		for (Subscription subscriber : this.subscribers) {
			subscriber.signal();
		}
	}

	private void open() throws SQLException {
		SQLiteConfig config = new SQLiteConfig();
		config.setReadOnly(true);
		config.setBusyTimeout(0);
		Connection opened = config.createConnection("jdbc:sqlite:" + this.file);
		try {
			DataVersionQuery query = new DataVersionQuery(opened);
			this.lastVersion = query.read();
			this.connection = opened;
			this.dataVersion = query;
		}
		catch (SQLException ex) {
			opened.close();
			throw ex;
		}
	}

	/**
	 * The journal mode for the startup line; a lock held by a writer makes it unknown.
	 */
	private String journalModeForLog() {
		try {
			return WalCheckpointer.journalMode(this.connection);
		}
		catch (SQLException ex) {
			return "unknown (" + ex.getMessage() + ")";
		}
	}

	private void closeConnection() {
		if (this.connection != null) {
			try {
				this.connection.close();
			}
			catch (SQLException ex) {
				logger.debug("honker: closing the watcher connection failed", ex);
			}
			this.connection = null;
			this.dataVersion = null;
		}
	}

	private void logProblem(String what, Exception ex) {
		if (!this.problemLogged) {
			this.problemLogged = true;
			logger.warn("honker: commit watcher of " + this.file + ": " + what, ex);
		}
	}

	private static Object fileKey(Path file) throws IOException {
		return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
	}

}
