package dev.honker.spring.dashboard;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.web.servlet.function.ServerResponse;

import dev.honker.spring.web.HonkerEvents;

/**
 * The live updates of open dashboard pages: one Server-Sent Events stream per page, fed
 * by the {@link HonkerEvents} thread (a {@linkplain HonkerEvents.Feed feed} of it), which
 * the commit watcher wakes: there is one events thread and one watcher subscription for
 * the dashboard and the application's own event streams. After a commit (in any process)
 * it builds the overview once, at most once per update interval, and sends it to every
 * page. While nothing commits it sends only a comment every {@link #KEEP_ALIVE}, to
 * notice pages that went away, and reads nothing.
 */
final class DashboardLive implements HonkerEvents.Feed {

	static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

	static final Duration STREAM_TIMEOUT = Duration.ofMinutes(10);

	static final String EVENT = "overview";

	private static final Log logger = LogFactory.getLog(DashboardLive.class);

	private final HonkerEvents events;

	private final Supplier<String> overview;

	private final Duration updateInterval;

	private final List<ServerResponse.SseBuilder> pages = new CopyOnWriteArrayList<>();

	private volatile boolean stopped;

	private volatile long commitsSeen;

	private boolean feeding;

	private boolean updatePending;

	private Instant lastUpdate = Instant.EPOCH;

	private Instant nextKeepAlive = Instant.EPOCH;

	/**
	 * Creates the live updates.
	 * @param events the events thread that calls this feed after commits
	 * @param overview builds the overview's JSON text
	 * @param updateInterval the shortest time between two updates
	 */
	DashboardLive(HonkerEvents events, Supplier<String> overview, Duration updateInterval) {
		this.events = events;
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
				feed();
			}
		}, STREAM_TIMEOUT);
	}

	/** Sends an update soon, as if a commit happened. */
	void signal() {
		this.events.wake();
	}

	/**
	 * How many wakes (one or more commits each) the feed has seen while pages were open;
	 * compare two readings to tell whether anything committed in between.
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

	/** Ends every page's stream; new pages get an error until started. */
	void stop() {
		this.stopped = true;
		this.pages.forEach(ServerResponse.SseBuilder::complete);
		this.pages.clear();
	}

	/** Joins the events thread with the first page; stays on it afterwards. */
	private synchronized void feed() {
		if (!this.feeding) {
			this.feeding = true;
			this.events.addFeed(this);
		}
	}

	/**
	 * On the events thread: after a commit, sends the overview to every open page, at
	 * most once per update interval; otherwise a keep-alive comment when it is due.
	 */
	@Override
	public @Nullable Instant pass(boolean committed) {
		if (this.pages.isEmpty()) {
			this.updatePending = false;
			return null;
		}
		Instant now = Instant.now();
		if (committed) {
			this.commitsSeen++;
			this.updatePending = true;
		}
		Instant earliest = this.lastUpdate.plus(this.updateInterval);
		if (this.updatePending && !now.isBefore(earliest)) {
			this.updatePending = false;
			this.lastUpdate = now;
			String json = this.overview.get();
			this.pages.forEach(page -> send(page, json));
			this.nextKeepAlive = Instant.now().plus(KEEP_ALIVE);
		}
		else if (!now.isBefore(this.nextKeepAlive)) {
			this.pages.forEach(this::keepAlive);
			this.nextKeepAlive = now.plus(KEEP_ALIVE);
		}
		return this.updatePending ? this.lastUpdate.plus(this.updateInterval) : this.nextKeepAlive;
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
