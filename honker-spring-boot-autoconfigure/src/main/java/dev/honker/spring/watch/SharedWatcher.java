package dev.honker.spring.watch;

import org.jspecify.annotations.Nullable;

/**
 * The one watcher thread that the subscriptions of a database share in a JVM: what a
 * {@link Subscription} needs from it.
 */
interface SharedWatcher {

	/**
	 * The watcher in error messages, such as {@code the commit watcher of /data/app.db}.
	 */
	String description();

	/** Why the watcher stopped for good, or {@code null} while it runs. */
	@Nullable WatcherFailedException failure();

	/** Throws a copy of {@link #failure()} if the watcher has stopped for good. */
	default void throwIfFailed() {
		WatcherFailedException failed = failure();
		if (failed != null) {
			throw new WatcherFailedException(failed.getMessage(), failed);
		}
	}

	/** Removes a subscription; the last one stops the watcher. */
	void unsubscribe(Subscription subscription);

}
