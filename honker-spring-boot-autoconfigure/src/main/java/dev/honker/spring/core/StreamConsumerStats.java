package dev.honker.spring.core;

/**
 * How far one named consumer has read a stream topic (a row of
 * {@code _honker_stream_consumers}).
 *
 * @param consumer the consumer name
 * @param topic the topic
 * @param offset the last offset the consumer saved
 * @param lag how many events of the topic are after that offset
 */
public record StreamConsumerStats(String consumer, String topic, long offset, long lag) {
}
