/**
 * {@code @HonkerListener} methods: an annotation post-processor finds them, a registry
 * holds one container per listener, and each container claims jobs of its queue with
 * {@code honker_claim_batch} whenever the commit watcher wakes it (or a deadline falls
 * due), runs the handler on a bounded pool of threads, then acknowledges, retries with
 * backoff, or dead-letters the job. Delivery is at-least-once;
 * {@link dev.honker.spring.listener.AckMode#TRANSACTIONAL} makes the handler's own writes
 * and the acknowledgement commit together.
 */
package dev.honker.spring.listener;
