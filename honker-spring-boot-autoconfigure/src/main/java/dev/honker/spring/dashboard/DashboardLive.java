package dev.honker.spring.dashboard;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.web.servlet.function.ServerResponse;

import dev.honker.spring.watch.DatabaseWatcher;
import dev.honker.spring.watch.Subscription;
import dev.honker.spring.watch.WatcherFailedException;

/**
 * The live updates of open dashboard pages: one Server-Sent Events stream per page, fed
 * by one thread that the commit watcher wakes. After a commit (in any process) it builds
 * the overview once, at most once per update interval, and sends it to every page. While
 * nothing commits it sends only a comment every {@link #KEEP_ALIVE}, to notice pages that
 * went away. The thread and its watcher subscription exist only while a page is open.
 */
final class DashboardLive {

	static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

	static final Duration STREAM_TIMEOUT = Duration.ofMinutes(10);

	static final String EVENT = "overview";

	private static final Log logger = LogFactory.getLog(DashboardLive.class);

	private final DatabaseWatcher watcher;

	private final Supplier<String> overview;

	private final Duration updateInterval;

	private final List<ServerResponse.SseBuilder> pages = new CopyOnWriteArrayList<>();

	private Thread thread;

	private Subscription subscription;

	private volatile boolean stopped;

	private volatile long commitsSeen;

	/**
	 * Creates the live updates.
	 * @param watcher the commit watcher of the database
	 * @param overview builds the overview's JSON text
	 * @param updateInterval the shortest time between two updates
	 */
	DashboardLive(DatabaseWatcher watcher, Supplier<String> overview, Duration updateInterval) {
		this.watcher = watcher;
		this.overview = overview;
		this.updateInterval = updateInterval;
	}

	/** A new page's event stream; its first event is the current overview. */
	ServerResponse open() {
		return ServerResponse.sse(page -> {
			page.onComplete(() -> this.pages.remove(page));
			page.onTimeout(() -> this.pages.remove(page));
			page.onError(error -> this.pages.remove(page));
			if (this.stopped) {
				page.error(new IllegalStateException("the application is stopping"));
				return;
			}
			this.pages.add(page);
			if (send(page, this.overview.get())) {
				startIfNeeded();
			}
		}, STREAM_TIMEOUT);
	}

	/** Sends an update soon, as if a commit happened. */
	synchronized void signal() {
		if (this.subscription != null) {
			this.subscription.signal();
		}
	}

	/**
	 * How many wakes (one or more commits each) the thread has seen while pages were
	 * open; compare two readings to tell whether anything committed in between.
	 */
	long commitsSeen() {
		return this.commitsSeen;
	}

	/** The number of open pages. */
	int pageCount() {
		return this.pages.size();
	}

	/** Accepts pages again after {@link #stop()}. */
	void start() {
		this.stopped = false;
	}

	/** Ends every page's stream and the thread; new pages get an error until started. */
	void stop() {
		this.stopped = true;
		Thread running;
		synchronized (this) {
			running = this.thread;
			if (running != null) {
				running.interrupt();
			}
		}
		this.pages.forEach(ServerResponse.SseBuilder::complete);
		this.pages.clear();
	}

	private synchronized void startIfNeeded() {
		if (this.thread != null || this.stopped) {
			return;
		}
		try {
			this.subscription = this.watcher.subscribe();
		}
		catch (WatcherFailedException ex) {
			logger.warn("Honker dashboard: no live updates, the commit watcher failed: " + ex.getMessage(), ex);
			this.pages.forEach(page -> page.error(ex));
			return;
		}
		this.thread = new Thread(this::run, "honker-dashboard-live");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void run() {
		Subscription commits = this.subscription;
		Instant nextKeepAlive = Instant.now().plus(KEEP_ALIVE);
		Instant lastUpdate = Instant.EPOCH;
		try {
			while (!this.stopped && !this.pages.isEmpty()) {
				if (commits.await(nextKeepAlive, KEEP_ALIVE)) {
					this.commitsSeen++;
					Instant earliest = lastUpdate.plus(this.updateInterval);
					Duration wait = Duration.between(Instant.now(), earliest);
					if (!wait.isNegative()) {
						Thread.sleep(wait.toMillis());
					}
					lastUpdate = Instant.now();
					String json = this.overview.get();
					this.pages.forEach(page -> send(page, json));
					nextKeepAlive = Instant.now().plus(KEEP_ALIVE);
				}
				else if (!Instant.now().isBefore(nextKeepAlive)) {
					this.pages.forEach(this::keepAlive);
					nextKeepAlive = Instant.now().plus(KEEP_ALIVE);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			logger.warn("Honker dashboard: live updates stopped: " + ex.getMessage(), ex);
			this.pages.forEach(page -> page.error(ex));
			this.pages.clear();
		}
		finally {
			synchronized (this) {
				commits.close();
				this.subscription = null;
				this.thread = null;
				if (!this.pages.isEmpty() && !this.stopped) {
					startIfNeeded();
				}
			}
		}
	}

	private boolean send(ServerResponse.SseBuilder page, String json) {
		try {
			synchronized (page) {
				page.event(EVENT).data(json);
			}
			return true;
		}
		catch (IOException | IllegalStateException ex) {
			if (logger.isDebugEnabled()) {
				logger.debug("Honker dashboard: a page went away: " + ex.getMessage());
			}
			this.pages.remove(page);
			page.error(ex);
			return false;
		}
	}

	private void keepAlive(ServerResponse.SseBuilder page) {
		try {
			synchronized (page) {
				page.comment("keep-alive").send();
			}
		}
		catch (IOException | IllegalStateException ex) {
			this.pages.remove(page);
			page.error(ex);
		}
	}

}
