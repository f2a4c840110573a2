package dev.honker.spring.notification;

import java.time.Duration;
import java.util.Objects;

import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.listener.HandlerMethod;
import dev.honker.spring.listener.PayloadBinding;
import dev.honker.spring.listener.PayloadConverter;
import dev.honker.spring.watch.DatabaseWatcher;

/**
 * Creates notification listener containers, for {@code @HonkerNotificationListener}
 * methods and for listeners created in code, from what they share: the template that
 * reads notifications, the commit watcher and the fallback poll. A container created in
 * code is managed once registered with the listener registry.
 */
public class NotificationListenerContainerFactory {

	private final HonkerTemplate template;

	private final DatabaseWatcher watcher;

	private final Duration fallbackPoll;

	private final boolean autoStartup;

	private final PayloadConverter payloadConverter;

	/**
	 * Creates the factory.
	 * @param template reads the notifications
	 * @param watcher the commit watcher of the database file
	 * @param fallbackPoll the longest wait between reads without a wake
	 * @param autoStartup whether annotated listeners start with the application context
	 * unless their annotation says otherwise
	 * @param payloadConverter converts the payloads of annotated listeners
	 */
	public NotificationListenerContainerFactory(HonkerTemplate template, DatabaseWatcher watcher, Duration fallbackPoll,
			boolean autoStartup, PayloadConverter payloadConverter) {
		this.template = Objects.requireNonNull(template, "template must not be null");
		this.watcher = Objects.requireNonNull(watcher, "watcher must not be null");
		this.fallbackPoll = Objects.requireNonNull(fallbackPoll, "fallbackPoll must not be null");
		this.autoStartup = autoStartup;
		this.payloadConverter = Objects.requireNonNull(payloadConverter, "payloadConverter must not be null");
	}

	/** Whether annotated listeners start with the application context by default. */
	boolean isAutoStartup() {
		return this.autoStartup;
	}

	/** The payload type of a listener method, checked against the payload converter. */
	PayloadBinding payloadBinding(HandlerMethod handler) {
		return PayloadBinding.of(this.payloadConverter, handler.payloadType(), handler.description());
	}

	/**
	 * Creates a listener container.
	 * @param id the listener id
	 * @param listenerDescription what the container runs, for messages
	 * @param channel the channel; must not be empty
	 * @param handler receives the notifications
	 * @param autoStartup whether it starts with the application context
	 * @return the container, not started and not registered
	 */
	public NotificationListenerContainer createContainer(String id, String listenerDescription, String channel,
			NotificationHandler handler, boolean autoStartup) {
		return new NotificationListenerContainer(id, listenerDescription, channel, handler, this.template, this.watcher,
				this.fallbackPoll, autoStartup);
	}

}
