package dev.honker.spring.dashboard;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * it reads a cheap {@linkplain dev.honker.spring.core.HonkerStats#changeStamp() change
 * stamp} of the job tables, at most once per update interval, and only when that changed
 * (or after {@link #REFRESH_UNCHANGED_AFTER} without a refresh, for the changes the stamp
 * does not see), builds the overview and sends it to every page: a commit that touched no
 * job, such as the scheduler leader's lock renewal every 30 s, costs one cheap read
 * instead of the overview's counts. While nothing commits it sends only a comment every
 * {@link #KEEP_ALIVE}, to notice pages that went away, and reads nothing.
 */
final class DashboardLive implements HonkerEvents.Feed {

	static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

	static final Duration STREAM_TIMEOUT = Duration.ofMinutes(10);

	static final String EVENT = "overview";

	/**
	 * How long after the last refresh a commit refreshes the pages even though the change
	 * stamp did not change, for the changes it does not see (a cancelled pending job,
	 * time passing).
	 */
	static final Duration REFRESH_UNCHANGED_AFTER = Duration.ofMinutes(5);

	private static final Log logger = LogFactory.getLog(DashboardLive.class);

	private final HonkerEvents events;

	private final Supplier<String> overview;

	private final Supplier<@Nullable String> changeStamp;

	private final Duration updateInterval;

	private final List<ServerResponse.SseBuilder> pages = new CopyOnWriteArrayList<>();

	private volatile boolean stopped;

	private volatile long refreshes;

	private volatile long changeChecks;

	/** The change stamp read before the overview last sent to the pages. */
	private volatile @Nullable String lastStamp;

	/** When {@link #lastStamp} was read. */
	private volatile Instant stampedAt = Instant.EPOCH;

	/** Set by {@link #signal()}: refresh even if the change stamp did not change. */
	private final AtomicBoolean forced = new AtomicBoolean();

	private boolean feeding;

	private boolean updatePending;

	private Instant lastUpdate = Instant.EPOCH;

	private Instant nextKeepAlive = Instant.EPOCH;

	/**
	 * Creates the live updates.
	 * @param events the events thread that calls this feed after commits
	 * @param overview builds the overview's JSON text
	 * @param changeStamp reads the change stamp, or returns {@code null} when it cannot
	 * (every commit then refreshes)
	 * @param updateInterval the shortest time between two updates
	 */
	DashboardLive(HonkerEvents events, Supplier<String> overview, Supplier<@Nullable String> changeStamp,
			Duration updateInterval) {
		this.events = events;
		this.overview = overview;
		this.changeStamp = changeStamp;
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
			boolean first = this.pages.isEmpty();
			String stamp = this.changeStamp.get();
			this.pages.add(page);
			if (send(page, this.overview.get())) {
				if (first) {
					this.lastStamp = stamp;
					this.stampedAt = Instant.now();
				}
				feed();
			}
		}, STREAM_TIMEOUT);
	}

	/** Sends an update soon, even if the change stamp did not change. */
	void signal() {
		this.forced.set(true);
		this.events.wake();
	}

	/**
	 * How many times the feed refreshed the open pages after a change; compare two
	 * readings to tell whether the job tables changed in between (as far as the change
	 * stamp tells).
	 */
	long refreshes() {
		return this.refreshes;
	}

	/**
	 * How many times the feed read the change stamp after commits, whether or not it then
	 * refreshed the pages.
	 */
	long changeChecks() {
		return this.changeChecks;
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
			this.updatePending = true;
		}
		Instant earliest = this.lastUpdate.plus(this.updateInterval);
		if (this.updatePending && !now.isBefore(earliest)) {
			this.updatePending = false;
			boolean forced = this.forced.getAndSet(false);
			String stamp = this.changeStamp.get();
			this.changeChecks++;
			if (forced || stamp == null || !stamp.equals(this.lastStamp)
					|| !now.isBefore(this.stampedAt.plus(REFRESH_UNCHANGED_AFTER))) {
				this.lastStamp = stamp;
				this.stampedAt = now;
				this.refreshes++;
				this.lastUpdate = now;
				String json = this.overview.get();
				this.pages.forEach(page -> send(page, json));
				this.nextKeepAlive = Instant.now().plus(KEEP_ALIVE);
			}
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
