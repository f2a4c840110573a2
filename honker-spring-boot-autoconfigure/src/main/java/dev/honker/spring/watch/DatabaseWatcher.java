package dev.honker.spring.watch;

import java.util.Optional;

/**
 * Wakes an application's listeners when another connection, in any process, may have
 * committed something they watch. A wake carries no data and only means "re-read".
 * {@link SqliteDatabaseWatcher} polls {@code PRAGMA data_version} of a SQLite file;
 * {@link PostgresDatabaseWatcher} {@code LISTEN}s on a PostgreSQL connection. Both share
 * one thread and one connection per database per JVM among all subscriptions.
 */
public interface DatabaseWatcher {

	/**
	 * Subscribes to the database's commits. When this starts the JVM's watcher of the
	 * database, it returns once the watcher is ready, so every commit after this call
	 * wakes the subscription.
	 * @return a subscription to close when done
	 * @throws WatcherFailedException if the watcher cannot start
	 */
	Subscription subscribe();

	/**
	 * Why the watcher last handed out by {@link #subscribe()} stopped for good, if it
	 * did; for health checks.
	 * @return the failure, or empty while the watcher runs
	 */
	Optional<WatcherFailedException> failure();

}
