/**
 * Notification listeners: {@code @HonkerNotificationListener} methods, the containers
 * that follow one channel of {@code _honker_notifications} from its latest id, woken by
 * the commit watcher, and the pruning that keeps the table bounded in worker apps.
 * Notifications are ephemeral: a failed handler is logged and skipped.
 */
@NullMarked
package dev.honker.spring.notification;

import org.jspecify.annotations.NullMarked;
