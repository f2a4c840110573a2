package dev.honker.spring.watch;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Commit watching of one SQLite database file for one application: every
 * {@link #subscribe()} joins the single watcher that the JVM runs for the file, starting
 * it if needed, so all listeners of all application contexts share one watcher thread and
 * one connection, which polls {@code PRAGMA data_version} when file events or a fixed
 * poll say so.
 */
public final class SqliteDatabaseWatcher implements DatabaseWatcher {

	private final Path file;

	private final WatcherOptions options;

	private volatile CommitWatcher current;

	/**
	 * Creates a watcher handle; nothing starts until the first subscription.
	 * @param file the SQLite database file
	 * @param options the watcher's settings, used when this handle starts the file's
	 * watcher
	 */
	public SqliteDatabaseWatcher(Path file, WatcherOptions options) {
		this.file = Objects.requireNonNull(file, "file must not be null");
		this.options = Objects.requireNonNull(options, "options must not be null");
	}

	/**
	 * Subscribes to the commits of the file. When this starts the file's watcher, it
	 * returns once the watcher has read its baseline, so every commit after this call
	 * wakes the subscription.
	 * @return a subscription to close when done
	 * @throws WatcherFailedException if the file does not exist or the watcher cannot
	 * open it
	 */
	@Override
	public Subscription subscribe() {
		Subscription subscription = CommitWatchers.subscribe(this.file, this.options);
		this.current = (CommitWatcher) subscription.watcher();
		return subscription;
	}

	@Override
	public Optional<WatcherFailedException> failure() {
		CommitWatcher watcher = this.current;
		return watcher == null ? Optional.empty() : Optional.ofNullable(watcher.failure());
	}

	/** The watched database file. */
	public Path file() {
		return this.file;
	}

	/** The watcher's settings. */
	public WatcherOptions options() {
		return this.options;
	}

}
