package dev.honker.spring.listener;

import java.util.Optional;

import org.springframework.context.SmartLifecycle;

/**
 * A listener container of any kind (queue jobs, and kinds added beside them) as the
 * {@link HonkerListenerEndpointRegistry} manages it: an id unique in the application
 * context, a lifecycle, and pause/resume. Implementations extend
 * {@link AbstractListenerContainer}.
 */
public interface ListenerContainer extends SmartLifecycle {

	/** The listener id, unique in the application context. */
	String getId();

	/**
	 * What the container runs, for messages: a listener method or a description of a
	 * handler registered in code.
	 */
	String getListenerDescription();

	/** Stops taking new work; work in progress finishes. */
	void pause();

	/** Takes work again after {@link #pause()}. */
	void resume();

	/** Whether the container is paused. */
	boolean isPaused();

	/**
	 * Why the container stopped on its own, for example because the database file was
	 * replaced; empty while it runs normally.
	 */
	Optional<Throwable> getFailure();

}
