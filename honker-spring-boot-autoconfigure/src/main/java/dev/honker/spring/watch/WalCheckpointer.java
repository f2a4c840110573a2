package dev.honker.spring.watch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConfig;

import dev.honker.sqlite.SqliteSupport;

/**
 * Checkpoints the WAL of a watched database on a thread of its own, so that commits
 * rarely take the WAL to the application's {@code wal_autocheckpoint} size, where SQLite
 * would checkpoint inside the COMMIT (see {@link WalCheckpointOptions}).
 *
 * <ul>
 * <li>The commit watcher counts each new {@code data_version} it reads as one commit
 * ({@link #committed()}). When the count reaches the number of commits that should have
 * written {@link WalCheckpointOptions#triggerPages() three quarters of
 * wal_autocheckpoint} pages, going by the WAL pages per commit that the previous
 * checkpoint found, the thread runs {@code PRAGMA wal_checkpoint(PASSIVE)}.</li>
 * <li>PASSIVE copies what it can without waiting for or blocking readers and writers;
 * once everything is copied, the next writer starts the WAL over from its beginning. A
 * commit that lands during the checkpoint leaves pages uncopied, and the WAL goes on
 * growing until a later checkpoint finishes between two commits.</li>
 * <li>The connection is its own, read-write, with a busy timeout of zero, opened and
 * closed by SQLite (never by Java I/O, which would drop SQLite's POSIX locks). Its
 * {@code PRAGMA journal_mode} is read before every checkpoint: nothing runs unless the
 * database is in WAL mode.</li>
 * <li>Busy (another checkpoint is running, or a lock is held): skipped, tried again at
 * the next commit. Any other error: logged once, the connection is reopened at the next
 * try, half the trigger later.</li>
 * </ul>
 */
final class WalCheckpointer {

	private static final Log logger = LogFactory.getLog(WalCheckpointer.class);

	/**
	 * How many times in a row a checkpoint that left pages uncopied is followed by
	 * another one at the next commit.
	 */
	private static final int MAX_CHASES = 4;

	private final Path file;

	private final int triggerPages;

	private final Thread thread;

	private final AtomicInteger commits = new AtomicInteger();

	private volatile int due = 1;

	private volatile boolean running = true;

	private volatile long checkpoints;

	private volatile long skippedOutsideWal;

	private volatile long skippedBusy;

	private @Nullable Connection connection;

	private int previousWalPages;

	private int measuredDue = 1;

	private int chases;

	private @Nullable FileTime modifiedAfterLastCheckpoint;

	private boolean previousComplete = true;

	private boolean problemLogged;

	private WalCheckpointer(Path file, WalCheckpointOptions options) {
		this.file = file;
		this.triggerPages = options.triggerPages();
		this.thread = new Thread(this::run, "honker-checkpoint-" + file.getFileName());
		this.thread.setDaemon(true);
	}

	/** Starts the checkpoint thread of {@code file}. */
	static WalCheckpointer start(Path file, WalCheckpointOptions options) {
		WalCheckpointer checkpointer = new WalCheckpointer(file, options);
		checkpointer.thread.start();
		return checkpointer;
	}

	/** Counts one commit seen by the watcher; called on the watcher's thread. */
	void committed() {
		if (this.commits.incrementAndGet() >= this.due) {
			LockSupport.unpark(this.thread);
		}
	}

	/**
	 * Stops the thread, waiting for a checkpoint in progress, and closes the connection.
	 */
	void stop() {
		this.running = false;
		LockSupport.unpark(this.thread);
		try {
			this.thread.join(TimeUnit.SECONDS.toMillis(5));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** How many checkpoints ran; for tests. */
	long checkpoints() {
		return this.checkpoints;
	}

	/** How many were due but skipped because the journal mode was not WAL; for tests. */
	long skippedOutsideWal() {
		return this.skippedOutsideWal;
	}

	/** How many were due but skipped because SQLite was busy; for tests. */
	long skippedBusy() {
		return this.skippedBusy;
	}

	/** Whether the thread runs; for tests. */
	boolean isAlive() {
		return this.thread.isAlive();
	}

	private void run() {
		try {
			while (this.running) {
				if (this.commits.get() < this.due) {
					LockSupport.park(this);
					continue;
				}
				this.due = checkpoint(this.commits.getAndSet(0));
			}
		}
		catch (RuntimeException | Error ex) {
			logger.error("honker: the background WAL checkpoint of " + this.file + " died unexpectedly: " + ex, ex);
		}
		finally {
			closeConnection();
		}
	}

	/**
	 * Checkpoints if the database is in WAL mode.
	 * @param commitsSeen the commits counted since the previous checkpoint
	 * @return after how many more commits to checkpoint again
	 */
	private int checkpoint(int commitsSeen) {
		try {
			Connection open = connection();
			if (!"wal".equals(journalMode(open))) {
				this.skippedOutsideWal++;
				return this.triggerPages;
			}
			boolean othersCheckpointed = !Objects.equals(databaseModified(), this.modifiedAfterLastCheckpoint);
			try (Statement statement = open.createStatement();
					ResultSet row = statement.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
				row.next();
				if (row.getInt(1) != 0) {
					this.skippedBusy++;
					return 1;
				}
				this.checkpoints++;
				this.problemLogged = false;
				this.modifiedAfterLastCheckpoint = databaseModified();
				return commitsUntilDue(commitsSeen, row.getInt(2), row.getInt(3) == row.getInt(2), othersCheckpointed);
			}
		}
		catch (SQLException ex) {
			if (SqliteSupport.isBusyOrLocked(ex)) {
				this.skippedBusy++;
				return 1;
			}
			logProblem(ex);
			closeConnection();
			return Math.max(1, this.triggerPages / 2);
		}
	}

	/**
	 * The commits that should write {@link #triggerPages} WAL pages, at the pages per
	 * commit of the last interval: at least one, and at most the trigger, since every
	 * commit writes at least one page. When another connection copied pages into the
	 * database during the interval (SQLite's automatic checkpoint in a commit, because
	 * this thread came too late, or another JVM's background checkpoint), the WAL started
	 * over in between and its pages undercount the interval's: then half the previous
	 * interval, down to a quarter of the last one measured.
	 * @param commitsSeen the commits counted in the interval
	 * @param walPages the WAL's pages ({@code log} of {@code wal_checkpoint})
	 * @param complete whether the checkpoint copied the whole WAL
	 * @param othersCheckpointed whether the database file was written since this thread's
	 * previous checkpoint
	 */
	private int commitsUntilDue(int commitsSeen, int walPages, boolean complete, boolean othersCheckpointed) {
		// A complete checkpoint lets the next writer start the WAL over: all of the next
		// interval's pages are new. Otherwise the WAL kept its old pages.
		int newPages = (this.previousComplete || walPages < this.previousWalPages) ? walPages
				: walPages - this.previousWalPages;
		this.previousWalPages = walPages;
		this.previousComplete = complete;
		if (!complete && this.chases < MAX_CHASES) {
			// Commits landed during the checkpoint: copy the few new pages after the next
			// one, so that the WAL can start over before it reaches wal_autocheckpoint.
			this.chases++;
			return 1;
		}
		this.chases = 0;
		if (othersCheckpointed || newPages <= 0) {
			return Math.max(Math.max(1, this.measuredDue / 4), this.due / 2);
		}
		long commits = (long) this.triggerPages * Math.max(commitsSeen, 1) / newPages;
		this.measuredDue = (int) Math.max(1, Math.min(this.triggerPages, commits));
		return this.measuredDue;
	}

	/**
	 * When the database file was last written, which in WAL mode only checkpoints do; a
	 * stat, never an open.
	 */
	private @Nullable FileTime databaseModified() {
		try {
			return Files.getLastModifiedTime(this.file);
		}
		catch (IOException ex) {
			return null;
		}
	}

	private Connection connection() throws SQLException {
		if (this.connection == null) {
			SQLiteConfig config = new SQLiteConfig();
			config.setBusyTimeout(0);
			this.connection = config.createConnection("jdbc:sqlite:" + this.file);
		}
		return this.connection;
	}

	/** The connection's {@code PRAGMA journal_mode}, in lower case. */
	static String journalMode(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet row = statement.executeQuery("PRAGMA journal_mode")) {
			row.next();
			return row.getString(1).toLowerCase(Locale.ROOT);
		}
	}

	private void closeConnection() {
		if (this.connection != null) {
			try {
				this.connection.close();
			}
			catch (SQLException ex) {
				logger.debug("honker: closing the checkpoint connection failed", ex);
			}
			this.connection = null;
		}
	}

	private void logProblem(SQLException ex) {
		if (!this.problemLogged) {
			this.problemLogged = true;
			logger.warn("honker: the background WAL checkpoint of " + this.file + " failed; trying again later", ex);
		}
	}

}
