package dev.honker.spring.core;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One event of a Honker stream (a row of {@code _honker_stream}), as
 * {@link HonkerTemplate#readSince} returns it.
 *
 * @param offset the event's offset: global across topics, increasing, never reused
 * @param topic the topic it was published to
 * @param key the key it was published with, or {@code null}
 * @param payload the payload as stored: JSON text
 * @param createdAt when it was published, to the second
 */
public record StreamEvent(long offset, String topic, @Nullable String key, String payload, Instant createdAt) {
}
