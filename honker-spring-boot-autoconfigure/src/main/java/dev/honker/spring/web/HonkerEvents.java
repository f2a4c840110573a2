package dev.honker.spring.web;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.core.Notification;
import dev.honker.spring.core.StreamEvent;
import dev.honker.spring.listener.AbstractListenerContainer;
import dev.honker.spring.listener.WakeLoopContainer;
import dev.honker.spring.watch.DatabaseWatcher;
import org.jspecify.annotations.Nullable;

/**
 * Live updates for web pages: Server-Sent Events that forward a notification channel or a
 * stream topic to the browser as the writes commit, in any process on the database file.
 * Return the emitter from a Spring MVC handler method:
 *
 * <pre class="code">
 * &#64;GetMapping("/orders/events")
 * SseEmitter orderEvents(&#64;RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
 *     return honkerEvents.sse("order-status", lastEventId);
 * }
 * </pre>
 *
 * Each SSE event has the notification id (or stream offset) as its {@code id}, the
 * channel (or topic) as its {@code event} name, and the payload's JSON text as its
 * {@code data}; in the page, {@code new EventSource(url)} receives them and
 * {@code JSON.parse(event.data)} reads the payload. A browser that reconnects sends the
 * last id it saw as {@code Last-Event-ID}; passing it on resumes after it, so nothing
 * still in the table is missed.
 *
 * <p>
 * All emitters share one thread and one subscription to the commit watcher: after each
 * commit it reads each watched channel or topic once, after the oldest position of its
 * emitters, and sends every emitter what is newer than its own position. Every 15 seconds
 * without a commit it sends each emitter a comment, so that a client that went away is
 * noticed and dropped. When the application context stops, every emitter is completed
 * before the web server's graceful shutdown waits for open requests. The thread and its
 * subscription start with the first emitter or {@linkplain #addFeed feed}: an application
 * whose pages open none costs nothing.
 */
public class HonkerEvents implements SmartLifecycle, DisposableBean {

	private static final Log logger = LogFactory.getLog(HonkerEvents.class);

	private static final int BATCH = 500;

	private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

	private final HonkerTemplate template;

	private final @Nullable Long timeoutMillis;

	private final Map<Source, List<Client>> clients = new ConcurrentHashMap<>();

	private final List<Feed> feeds = new CopyOnWriteArrayList<>();

	private final Dispatcher dispatcher;

	private volatile boolean running;

	/**
	 * Creates the event source.
	 * @param template reads the notifications and events
	 * @param watcher the commit watcher of the database
	 * @param timeout how long an emitter stays open before the browser reconnects, or
	 * {@code null} for Spring MVC's async request timeout
	 */
	public HonkerEvents(HonkerTemplate template, DatabaseWatcher watcher, @Nullable Duration timeout) {
		this.template = Objects.requireNonNull(template, "template must not be null");
		this.timeoutMillis = (timeout != null) ? timeout.toMillis() : null;
		this.dispatcher = new Dispatcher(watcher);
	}

	/**
	 * An emitter of the notifications sent to a channel from now on.
	 * @param channel the channel; must not be empty
	 * @return the emitter, to return from a handler method
	 */
	public SseEmitter sse(String channel) {
		return sse(channel, null);
	}

	/**
	 * An emitter of the notifications sent to a channel after a notification id, or from
	 * now on.
	 * @param channel the channel; must not be empty
	 * @param lastEventId the {@code Last-Event-ID} header of a reconnecting browser, or
	 * {@code null}
	 * @return the emitter, to return from a handler method
	 */
	public SseEmitter sse(String channel, @Nullable String lastEventId) {
		return open(new Source(false, requireName("channel", channel)), lastEventId);
	}

	/**
	 * An emitter of the events published to a stream topic from now on.
	 * @param topic the topic; must not be empty
	 * @return the emitter, to return from a handler method
	 */
	public SseEmitter sseStream(String topic) {
		return sseStream(topic, null);
	}

	/**
	 * An emitter of the events published to a stream topic after an offset, or from now
	 * on.
	 * @param topic the topic; must not be empty
	 * @param lastEventId the {@code Last-Event-ID} header of a reconnecting browser, or
	 * {@code null}
	 * @return the emitter, to return from a handler method
	 */
	public SseEmitter sseStream(String topic, @Nullable String lastEventId) {
		return open(new Source(true, requireName("topic", topic)), lastEventId);
	}

	/**
	 * Adds a feed that the events thread calls after the next commits, so that a page of
	 * the application's own (the dashboard's overview, for example) shares this thread
	 * and its one watcher subscription instead of running its own. Starts the thread.
	 * @param feed the feed; its passes run on the events thread and delay the other
	 * emitters while they run, so they should be short
	 */
	public void addFeed(Feed feed) {
		Objects.requireNonNull(feed, "feed must not be null");
		this.feeds.add(feed);
		this.dispatcher.start();
	}

	/**
	 * Removes a feed added with {@link #addFeed}.
	 * @param feed the feed
	 */
	public void removeFeed(Feed feed) {
		this.feeds.remove(feed);
	}

	/**
	 * Makes the events thread pass now, as after a commit: every feed is called with
	 * {@code committed} set.
	 */
	public void wake() {
		this.dispatcher.wakeNow();
	}

	/** The number of open emitters. */
	public int getEmitterCount() {
		return this.clients.values().stream().mapToInt(List::size).sum();
	}

	private SseEmitter open(Source source, @Nullable String lastEventId) {
		Long resumeAfter = parseLastEventId(lastEventId);
		this.dispatcher.start();
		long position = (resumeAfter != null) ? resumeAfter : source.stream() ? this.template.lastOffset(source.name())
				: this.template.lastNotificationId(source.name());
		SseEmitter emitter = (this.timeoutMillis != null) ? new SseEmitter(this.timeoutMillis) : new SseEmitter();
		Client client = new Client(emitter, position);
		emitter.onCompletion(() -> remove(source, client));
		emitter.onTimeout(() -> remove(source, client));
		emitter.onError(error -> remove(source, client));
		try {
			emitter.send(SseEmitter.event().comment("honker " + source.name()));
		}
		catch (IOException ex) {
			emitter.completeWithError(ex);
			return emitter;
		}
		this.clients.computeIfAbsent(source, key -> new CopyOnWriteArrayList<>()).add(client);
		this.dispatcher.wakeNow();
		return emitter;
	}

	private void remove(Source source, Client client) {
		this.clients.computeIfPresent(source, (key, list) -> {
			list.remove(client);
			return list.isEmpty() ? null : list;
		});
	}

	/** Sends what is new to the emitters of every watched channel and topic. */
	private void forwardNew() {
		this.clients.forEach((source, list) -> {
			long from = list.stream().mapToLong(Client::position).min().orElse(Long.MAX_VALUE);
			if (from == Long.MAX_VALUE) {
				return;
			}
			List<Item> items;
			do {
				items = read(source, from);
				for (Item item : items) {
					for (Client client : list) {
						send(source, client, item);
					}
					from = item.id();
				}
			}
			while (items.size() == BATCH);
		});
	}

	private List<Item> read(Source source, long after) {
		List<Item> items = new ArrayList<>();
		if (source.stream()) {
			for (StreamEvent event : this.template.readSince(source.name(), after, BATCH)) {
				items.add(new Item(event.offset(), event.payload()));
			}
		}
		else {
			for (Notification notification : this.template.notificationsSince(source.name(), after, BATCH)) {
				items.add(new Item(notification.id(), notification.payload()));
			}
		}
		return items;
	}

	private void send(Source source, Client client, Item item) {
		if (item.id() <= client.position()) {
			return;
		}
		try {
			client.emitter()
				.send(SseEmitter.event().id(Long.toString(item.id())).name(source.name()).data(item.payload()));
			client.moveTo(item.id());
		}
		catch (IOException | IllegalStateException ex) {
			if (logger.isDebugEnabled()) {
				logger.debug("dropping an SSE client of '" + source.name() + "': " + ex.getMessage());
			}
			remove(source, client);
			client.emitter().completeWithError(ex);
		}
	}

	/** Accepts emitters; the thread starts with the first one. */
	@Override
	public void start() {
		this.running = true;
	}

	/** Completes every emitter and stops the thread. */
	@Override
	public void stop() {
		this.running = false;
		this.dispatcher.stop();
		this.clients.values().forEach(list -> list.forEach(client -> client.emitter().complete()));
		this.clients.clear();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Stops before the web server's graceful shutdown, which would otherwise wait for the
	 * open event streams.
	 */
	@Override
	public int getPhase() {
		return AbstractListenerContainer.DEFAULT_PHASE;
	}

	/** Stops, for a context closed without a lifecycle stop. */
	@Override
	public void destroy() {
		stop();
	}

	private void keepAlive() {
		this.clients.forEach((source, list) -> list.forEach(client -> {
			try {
				client.emitter().send(SseEmitter.event().comment("keep-alive"));
			}
			catch (IOException | IllegalStateException ex) {
				remove(source, client);
				client.emitter().completeWithError(ex);
			}
		}));
	}

	private static String requireName(String argument, @Nullable String value) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException(
					argument + " must not be empty, got " + (value == null ? "null" : "'" + value + "'"));
		}
		return value;
	}

	private static @Nullable Long parseLastEventId(@Nullable String lastEventId) {
		if (lastEventId == null || lastEventId.isBlank()) {
			return null;
		}
		try {
			long id = Long.parseLong(lastEventId.trim());
			if (id >= 0) {
				return id;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new IllegalArgumentException(
				"lastEventId must be a notification id or stream offset (0 or more), got '" + lastEventId + "'");
	}

	/**
	 * Something the events thread calls after commits: for example a page of the
	 * application's own that sends a fresh view over Server-Sent Events.
	 */
	@FunctionalInterface
	public interface Feed {

		/**
		 * Called on the events thread after commits, after {@link HonkerEvents#wake()},
		 * and at the time it asked for.
		 * @param committed whether something committed (or {@link HonkerEvents#wake()}
		 * was called) since the previous call; {@code false} when called because its time
		 * came
		 * @return when to call it at the latest even without a commit, or {@code null}
		 * for no time
		 */
		@Nullable Instant pass(boolean committed);

	}

	/** A notification channel or a stream topic. */
	private record Source(boolean stream, String name) {
	}

	/** A notification or event to send: its id or offset and its JSON payload. */
	private record Item(long id, String payload) {
	}

	/** An open emitter and the id or offset of the last item it was sent. */
	private static final class Client {

		private final SseEmitter emitter;

		private volatile long position;

		Client(SseEmitter emitter, long position) {
			this.emitter = emitter;
			this.position = position;
		}

		SseEmitter emitter() {
			return this.emitter;
		}

		long position() {
			return this.position;
		}

		void moveTo(long id) {
			this.position = id;
		}

	}

	/** The one thread that forwards, woken by the commit watcher. */
	private final class Dispatcher extends WakeLoopContainer {

		Dispatcher(DatabaseWatcher watcher) {
			super("honker-events", "Server-Sent Events of HonkerEvents", watcher, KEEP_ALIVE, false);
		}

		void wakeNow() {
			signal();
		}

		@Override
		protected String threadName() {
			return "honker-events";
		}

		@Override
		protected void beforeFirstPass() {
		}

		private Instant nextKeepAlive = Instant.now().plus(KEEP_ALIVE);

		private @Nullable Instant nextPass;

		/**
		 * Forwards what is new and calls the feeds. A pass that comes before the time the
		 * previous one asked for was woken by a commit or a signal; the first pass of a
		 * run was not.
		 */
		@Override
		protected Instant pass() {
			boolean committed = this.nextPass != null && Instant.now().isBefore(this.nextPass);
			forwardNew();
			if (!Instant.now().isBefore(this.nextKeepAlive)) {
				keepAlive();
				this.nextKeepAlive = Instant.now().plus(KEEP_ALIVE);
			}
			Instant next = this.nextKeepAlive;
			for (Feed feed : HonkerEvents.this.feeds) {
				Instant wanted = passFeed(feed, committed);
				if (wanted != null && wanted.isBefore(next)) {
					next = wanted;
				}
			}
			this.nextPass = next;
			return next;
		}

		private @Nullable Instant passFeed(Feed feed, boolean committed) {
			try {
				return feed.pass(committed);
			}
			catch (RuntimeException ex) {
				logger.warn("a feed of HonkerEvents failed: " + ex.getMessage(), ex);
				return null;
			}
		}

	}

}
