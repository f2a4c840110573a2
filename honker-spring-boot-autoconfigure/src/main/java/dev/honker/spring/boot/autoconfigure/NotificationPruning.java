package dev.honker.spring.boot.autoconfigure;

import java.util.function.Supplier;

import org.springframework.context.SmartLifecycle;

import dev.honker.spring.listener.AbstractListenerContainer;
import dev.honker.spring.listener.HonkerListenerEndpointRegistry;
import dev.honker.spring.notification.NotificationPruner;

/**
 * Starts the {@link NotificationPruner} after the listeners, when the application is a
 * worker app: one that runs at least one Honker listener. A web app that only notifies
 * never prunes, so pruning never runs on a request's path.
 */
final class NotificationPruning implements SmartLifecycle {

	private final HonkerListenerEndpointRegistry registry;

	private final Supplier<NotificationPruner> pruners;

	private NotificationPruner pruner;

	NotificationPruning(HonkerListenerEndpointRegistry registry, Supplier<NotificationPruner> pruners) {
		this.registry = registry;
		this.pruners = pruners;
	}

	@Override
	public synchronized void start() {
		if (this.pruner == null && !this.registry.getListenerContainers().isEmpty()) {
			this.pruner = this.pruners.get();
		}
		if (this.pruner != null) {
			this.pruner.start();
		}
	}

	@Override
	public synchronized void stop() {
		if (this.pruner != null) {
			this.pruner.stop();
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.pruner != null && this.pruner.isRunning();
	}

	/** Starts after the listener registry, stops before it. */
	@Override
	public int getPhase() {
		return AbstractListenerContainer.DEFAULT_PHASE + 1;
	}

}
