package dev.honker.spring.notification;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method as a listener of a Honker notification channel: the ephemeral
 * pub/sub of {@code notify(channel, payload)} and {@code HonkerTemplate.notify}, from any
 * process or binding on the database file.
 *
 * <p>
 * Parameters: at most one payload, converted from the notification's JSON by the
 * listeners' payload converter (the application's Jackson mapper by default) to the
 * parameter's type, as for {@code @HonkerListener} jobs, and at most one
 * {@link dev.honker.spring.core.Notification} with the id, channel, raw payload and
 * creation time.
 *
 * <p>
 * Semantics, as in every Honker binding: the listener starts at the channel's latest
 * notification when it starts, so older ones are never replayed; it is woken by the
 * commit watcher and reads the notifications with an id above the last one it saw, in id
 * order, one at a time on its own thread. A notification sent in a transaction that
 * rolled back is never delivered.
 *
 * <p>
 * <b>Notifications are ephemeral.</b> A method that throws, or a payload that cannot be
 * converted, is logged and the listener moves on to the next notification: nothing is
 * retried or delivered again. Notifications sent while no listener runs, or pruned before
 * it reads them ({@code honker.notifications.*}), are lost to it. Use a stream
 * ({@code @HonkerStreamListener}) for events that must not be missed.
 *
 * <p>
 * String attributes accept {@code ${...}} placeholders.
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface HonkerNotificationListener {

	/** The channel to listen to; must not be empty. */
	String channel();

	/**
	 * The listener id, unique in the application context among all Honker listeners.
	 * Defaults to {@code <bean name>.<method name>}.
	 */
	String id() default "";

	/**
	 * Whether the listener starts with the context ({@code true}/{@code false}); defaults
	 * to {@code honker.listener.auto-startup}.
	 */
	String autoStartup() default "";

}
