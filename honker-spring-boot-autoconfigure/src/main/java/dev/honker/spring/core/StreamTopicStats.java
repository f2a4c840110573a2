package dev.honker.spring.core;

/**
 * A stream topic that has events (in {@code _honker_stream}).
 *
 * @param topic the topic
 * @param lastOffset the offset of its latest event
 */
public record StreamTopicStats(String topic, long lastOffset) {
}
