package dev.honker.spring.notification;

import dev.honker.spring.core.Notification;

/** Receives the notifications of one channel, in id order, on one thread. */
@FunctionalInterface
public interface NotificationHandler {

	/**
	 * Handles one notification. An exception is logged and the listener moves on to the
	 * next notification: notifications are ephemeral and are not delivered again.
	 * @param notification the notification, its payload as JSON text
	 * @throws Exception any failure; logged, never retried
	 */
	void onNotification(Notification notification) throws Exception;

}
