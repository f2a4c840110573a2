package dev.honker.spring.core;

import java.time.Instant;

/**
 * One notification (a row of {@code _honker_notifications}), as
 * {@link HonkerTemplate#notificationsSince} returns it.
 *
 * @param id the notification id: increasing in commit order, never reused
 * @param channel the channel it was sent to
 * @param payload the payload as stored: JSON text
 * @param createdAt when it was sent, to the second
 */
public record Notification(long id, String channel, String payload, Instant createdAt) {
}
