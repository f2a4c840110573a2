/**
 * Micrometer metrics of Honker: the job counters and timers, recorded from the
 * {@code honker.enqueue} and {@code honker.job} observations, and the queue gauges,
 * sampled from the queue statistics at an interval.
 */
@NullMarked
package dev.honker.spring.metrics;

import org.jspecify.annotations.NullMarked;
