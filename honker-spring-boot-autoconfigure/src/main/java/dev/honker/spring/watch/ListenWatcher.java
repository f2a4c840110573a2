package dev.honker.spring.watch;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * One {@code LISTEN} connection to a PostgreSQL database, on a daemon thread, shared by
 * every subscription to that database (same URL and user) in the JVM: each notification
 * on the {@value #CHANNEL} channel wakes every subscriber.
 *
 * <ul>
 * <li>{@code LISTEN} runs before {@link #subscribe} returns, so a commit right after it
 * is seen.</li>
 * <li>A lost connection is reopened every poll timeout until it works, logging once; each
 * subscriber is woken when it is lost and again once {@code LISTEN} runs anew, since
 * commits in between were not signalled.</li>
 * </ul>
 */
final class ListenWatcher implements SharedWatcher {

	/** The channel that the Honker functions {@code pg_notify} on every change. */
	static final String CHANNEL = "honker";

	private static final Log logger = LogFactory.getLog(ListenWatcher.class);

	private static final Map<String, ListenWatcher> WATCHERS = new HashMap<>();

	private final String key;

	/** The URL for messages, without its parameters, which may hold a password. */
	private final String url;

	private final String connectUrl;

	private final Properties connectionProperties;

	private final int pollMillis;

	private final List<Subscription> subscribers = new CopyOnWriteArrayList<>();

	private final Thread thread;

	private volatile boolean running = true;

	private volatile @Nullable WatcherFailedException failure;

	private @Nullable Connection connection;

	private boolean problemLogged;

	private ListenWatcher(String key, String url, Properties connectionProperties, Duration pollTimeout)
			throws SQLException {
		this.key = key;
		this.url = withoutParameters(url);
		this.connectionProperties = connectionProperties;
		this.connectUrl = url;
		this.pollMillis = (int) Math.min(pollTimeout.toMillis(), Integer.MAX_VALUE);
		this.connection = listen();
		this.thread = new Thread(this::run, "honker-listen-watcher");
		this.thread.setDaemon(true);
	}

	static Subscription subscribe(String url, Properties connectionProperties, Duration pollTimeout) {
		String key = url + " as " + connectionProperties.getProperty("user", "");
		synchronized (WATCHERS) {
			ListenWatcher watcher = WATCHERS.get(key);
			if (watcher == null || watcher.failure != null) {
				try {
					watcher = new ListenWatcher(key, url, connectionProperties, pollTimeout);
				}
				catch (SQLException ex) {
					throw new WatcherFailedException("honker: cannot start the LISTEN watcher of "
							+ withoutParameters(url) + ": " + ex.getMessage(), ex);
				}
				logger.info("honker: LISTEN watcher of " + watcher.url + " on channel " + CHANNEL
						+ ", one connection outside" + " the pool, reconnecting every " + pollTimeout.toMillis()
						+ " ms when lost");
				watcher.thread.start();
				WATCHERS.put(key, watcher);
			}
			Subscription subscription = new Subscription(watcher);
			watcher.subscribers.add(subscription);
			return subscription;
		}
	}

	@Override
	public String description() {
		return "the LISTEN watcher of " + this.url;
	}

	@Override
	public @Nullable WatcherFailedException failure() {
		return this.failure;
	}

	@Override
	public void unsubscribe(Subscription subscription) {
		boolean last;
		synchronized (WATCHERS) {
			this.subscribers.remove(subscription);
			last = this.subscribers.isEmpty();
			if (last) {
				WATCHERS.remove(this.key, this);
			}
		}
		if (last) {
			stop();
		}
	}

	/** How many LISTEN watchers this JVM runs; for tests. */
	static int running() {
		synchronized (WATCHERS) {
			return WATCHERS.size();
		}
	}

	private void stop() {
		this.running = false;
		if (Thread.currentThread() != this.thread) {
			try {
				this.thread.join(TimeUnit.SECONDS.toMillis(5) + this.pollMillis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private void run() {
		try {
			while (this.running) {
				if (this.connection == null) {
					reconnect();
				}
				else {
					receive(this.connection);
				}
			}
		}
		catch (InterruptedException ex) {
			fail(new WatcherFailedException("honker: the LISTEN watcher of " + this.url + " was interrupted", ex));
		}
		catch (RuntimeException | Error ex) {
			fail(new WatcherFailedException("honker: the LISTEN watcher of " + this.url + " died unexpectedly: " + ex,
					ex));
		}
		finally {
			closeConnection();
		}
	}

	private void receive(Connection listening) {
		try {
			PGNotification[] notifications = listening.unwrap(PGConnection.class).getNotifications(this.pollMillis);
			if (notifications != null && notifications.length > 0) {
				wakeAll();
			}
		}
		catch (SQLException ex) {
			logProblem("the connection failed; reconnecting", ex);
			closeConnection();
			wakeAll();
		}
	}

	private void reconnect() throws InterruptedException {
		try {
			this.connection = listen();
			this.problemLogged = false;
			logger.info("honker: the LISTEN watcher of " + this.url + " reconnected");
			wakeAll();
		}
		catch (SQLException ex) {
			logProblem("cannot reconnect; retrying every " + this.pollMillis + " ms", ex);
			Thread.sleep(this.pollMillis);
		}
	}

	private Connection listen() throws SQLException {
		Connection opened = DriverManager.getConnection(this.connectUrl, this.connectionProperties);
		try (Statement statement = opened.createStatement()) {
			opened.setAutoCommit(true);
			statement.execute("LISTEN " + CHANNEL);
			return opened;
		}
		catch (SQLException ex) {
			try {
				opened.close();
			}
			catch (SQLException closeFailure) {
				ex.addSuppressed(closeFailure);
			}
			throw ex;
		}
	}

	private static String withoutParameters(String url) {
		int parameters = url.indexOf('?');
		return (parameters >= 0) ? url.substring(0, parameters) : url;
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

	private void closeConnection() {
		if (this.connection != null) {
			try {
				this.connection.close();
			}
			catch (SQLException ex) {
				logger.debug("honker: closing the LISTEN connection failed", ex);
			}
			this.connection = null;
		}
	}

	private void logProblem(String what, Exception ex) {
		if (!this.problemLogged) {
			this.problemLogged = true;
			logger.warn("honker: LISTEN watcher of " + this.url + ": " + what, ex);
		}
	}

}
