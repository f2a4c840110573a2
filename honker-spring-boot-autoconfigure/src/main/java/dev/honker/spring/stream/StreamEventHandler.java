package dev.honker.spring.stream;

import dev.honker.spring.core.StreamEvent;

/** Receives the events of one topic for one consumer, in offset order, on one thread. */
@FunctionalInterface
public interface StreamEventHandler {

	/**
	 * Handles one event.
	 * @param event the event, its payload as JSON text
	 * @throws Exception any failure: the event is tried again with backoff, then the
	 * consumer stops or skips it, as its {@link StreamFailureAction} says
	 */
	void onEvent(StreamEvent event) throws Exception;

}
