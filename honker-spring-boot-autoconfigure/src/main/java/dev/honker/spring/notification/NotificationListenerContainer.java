package dev.honker.spring.notification;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.util.Assert;

import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.core.Notification;
import dev.honker.spring.listener.WakeLoopContainer;
import dev.honker.spring.watch.DatabaseWatcher;

/**
 * Listens to one notification channel, the way every Honker binding does: it starts at
 * the channel's latest notification when it starts (no replay of older ones), and after
 * every commit the watcher sees, it reads the channel's notifications with an id above
 * the last one it handled, in id order, and hands them to the handler one at a time on
 * its own thread.
 *
 * <p>
 * Notifications are ephemeral: a handler that throws is logged and the listener moves on;
 * a notification sent while the listener was stopped, or pruned before it was read, is
 * never delivered. A notification sent in a transaction that rolled back never existed.
 * Use a stream for events that must not be missed.
 */
public class NotificationListenerContainer extends WakeLoopContainer {

	/** Notifications read per query; a burst is read in several. */
	static final int BATCH = 1000;

	private static final Log logger = LogFactory.getLog(NotificationListenerContainer.class);

	private final String channel;

	private final NotificationHandler handler;

	private final HonkerTemplate template;

	private long lastSeen;

	/**
	 * Creates the container.
	 * @param id the listener id
	 * @param listenerDescription what the container runs, for messages
	 * @param channel the channel; must not be empty
	 * @param handler receives the notifications
	 * @param template reads the notifications
	 * @param watcher the commit watcher of the database
	 * @param fallbackPoll the longest wait between reads without a wake
	 * @param autoStartup whether it starts with the application context
	 */
	public NotificationListenerContainer(String id, String listenerDescription, String channel,
			NotificationHandler handler, HonkerTemplate template, DatabaseWatcher watcher, Duration fallbackPoll,
			boolean autoStartup) {
		super(id, listenerDescription, watcher, fallbackPoll, autoStartup);
		Assert.hasText(channel, () -> "channel must not be empty, got '" + channel + "' for listener '" + id + "'");
		this.channel = channel;
		this.handler = Objects.requireNonNull(handler, "handler must not be null");
		this.template = Objects.requireNonNull(template, "template must not be null");
	}

	/** The channel. */
	public String getChannel() {
		return this.channel;
	}

	@Override
	protected String threadName() {
		return "honker-notifications-" + getId();
	}

	@Override
	protected void beforeFirstPass() {
		this.lastSeen = this.template.lastNotificationId(this.channel);
	}

	@Override
	protected Instant pass() {
		List<Notification> batch;
		do {
			batch = this.template.notificationsSince(this.channel, this.lastSeen, BATCH);
			for (Notification notification : batch) {
				if (isStopping()) {
					return null;
				}
				handle(notification);
				this.lastSeen = notification.id();
			}
		}
		while (batch.size() == BATCH);
		return null;
	}

	private void handle(Notification notification) {
		try {
			this.handler.onNotification(notification);
		}
		catch (Exception ex) {
			logger.warn("Honker listener '" + getId() + "': handling notification " + notification.id()
					+ " of channel '" + this.channel + "' failed; moving on (notifications are not redelivered)", ex);
		}
	}

}
