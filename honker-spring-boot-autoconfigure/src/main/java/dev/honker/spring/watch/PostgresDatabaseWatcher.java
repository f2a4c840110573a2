package dev.honker.spring.watch;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * Commit watching of one PostgreSQL database for one application: every
 * {@link #subscribe()} joins the single {@code LISTEN} connection that the JVM keeps to
 * the database, opened outside any pool from the same URL and credentials, starting it if
 * needed. The Honker functions call {@code pg_notify} in the writer's transaction, so
 * PostgreSQL delivers the wake at commit, and never for a rollback.
 */
public final class PostgresDatabaseWatcher implements DatabaseWatcher {

	private final String url;

	private final Properties connectionProperties;

	private final Duration pollTimeout;

	private volatile ListenWatcher current;

	/**
	 * Creates a watcher handle; nothing connects until the first subscription.
	 * @param url the {@code jdbc:postgresql:} URL of the database
	 * @param connectionProperties the driver properties, such as {@code user} and
	 * {@code password}
	 * @param pollTimeout the longest the watcher thread waits for a notification before
	 * it checks that it should still run; also the pause between two reconnection
	 * attempts; positive
	 */
	public PostgresDatabaseWatcher(String url, Properties connectionProperties, Duration pollTimeout) {
		this.url = Objects.requireNonNull(url, "url must not be null");
		Objects.requireNonNull(connectionProperties, "connectionProperties must not be null");
		this.connectionProperties = new Properties();
		this.connectionProperties.putAll(connectionProperties);
		Objects.requireNonNull(pollTimeout, "pollTimeout must not be null");
		if (pollTimeout.isNegative() || pollTimeout.toMillis() < 1) {
			throw new IllegalArgumentException("pollTimeout must be at least 1 ms, got " + pollTimeout);
		}
		this.pollTimeout = pollTimeout;
	}

	/**
	 * Subscribes to the commits of the database. When this starts the JVM's
	 * {@code LISTEN} connection, it returns once {@code LISTEN} has run, so every commit
	 * after this call wakes the subscription.
	 * @throws WatcherFailedException if the connection cannot be opened
	 */
	@Override
	public Subscription subscribe() {
		Subscription subscription = ListenWatcher.subscribe(this.url, this.connectionProperties, this.pollTimeout);
		this.current = (ListenWatcher) subscription.watcher();
		return subscription;
	}

	@Override
	public Optional<WatcherFailedException> failure() {
		ListenWatcher watcher = this.current;
		return (watcher != null) ? Optional.ofNullable(watcher.failure()) : Optional.empty();
	}

	/** The watched database's URL. */
	public String url() {
		return this.url;
	}

}
