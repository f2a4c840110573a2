package dev.honker.spring.watch;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The JVM-wide registry of commit watchers, one per canonical database file path, counted
 * by subscriptions: the first subscription starts the file's watcher, the last one's
 * close stops it. A watcher that has failed is replaced by a fresh one on the next
 * subscription.
 */
final class CommitWatchers {

	private static final Map<Path, CommitWatcher> WATCHERS = new HashMap<>();

	private CommitWatchers() {
	}

	static Subscription subscribe(Path file, WatcherOptions options) {
		Path key = canonical(file);
		synchronized (WATCHERS) {
			CommitWatcher watcher = WATCHERS.get(key);
			if (watcher == null || watcher.failure() != null) {
				watcher = CommitWatcher.start(key, options);
				WATCHERS.put(key, watcher);
			}
			return watcher.addSubscriber();
		}
	}

	static void unsubscribe(CommitWatcher watcher, Subscription subscription) {
		boolean last;
		synchronized (WATCHERS) {
			last = watcher.removeSubscriber(subscription);
			if (last) {
				WATCHERS.remove(watcher.file(), watcher);
			}
		}
		if (last) {
			watcher.stop();
		}
	}

	/** How many watcher threads this JVM runs; for tests. */
	static int running() {
		synchronized (WATCHERS) {
			return WATCHERS.size();
		}
	}

	private static Path canonical(Path file) {
		try {
			return file.toRealPath();
		}
		catch (NoSuchFileException ex) {
			throw new WatcherFailedException(
					"honker: cannot watch " + file.toAbsolutePath() + ": the database file does not exist", ex);
		}
		catch (IOException ex) {
			throw new WatcherFailedException("honker: cannot watch " + file.toAbsolutePath() + ": " + ex, ex);
		}
	}

}
