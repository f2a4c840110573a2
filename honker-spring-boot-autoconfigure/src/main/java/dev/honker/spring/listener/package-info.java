/**
 * Listeners: {@code @HonkerListener} methods and job listeners registered in code, the
 * containers that run them, and the strategies an application may replace.
 *
 * <h2>Job listeners</h2> An annotation post-processor finds {@code @HonkerListener}
 * methods; a {@link dev.honker.spring.listener.JobListenerEndpoint} describes a listener
 * registered in code. The
 * {@link dev.honker.spring.listener.HonkerListenerContainerFactory} turns either into a
 * {@link dev.honker.spring.listener.HonkerListenerContainer}, which claims jobs of its
 * queue with {@code honker_claim_batch} whenever the commit watcher wakes it (or a
 * deadline falls due), runs the handler on its executor, then acknowledges, retries with
 * backoff, or dead-letters the job. Delivery is at-least-once;
 * {@link dev.honker.spring.listener.AckMode#TRANSACTIONAL} makes the handler's own writes
 * and the acknowledgement commit together.
 *
 * <h2>Extension points</h2> Each is picked up as a bean by the auto-configuration:
 * {@link dev.honker.spring.listener.PayloadConverter} (payload to parameter),
 * {@link dev.honker.spring.listener.JobErrorHandler} (what a failure does to the job),
 * {@link dev.honker.spring.listener.JobInterceptor} (before and after each job, with a
 * per-job {@link dev.honker.spring.listener.JobContext}: the hook for metrics and
 * tracing), {@link dev.honker.spring.listener.HonkerListenerContainerCustomizer}, and an
 * executor for the handlers.
 *
 * <h2>Adding a kind of listener</h2> The registry and the lifecycle do not depend on
 * queues. A new kind of listener (for example one that follows notifications or a stream)
 * extends {@link dev.honker.spring.listener.AbstractListenerContainer}, which provides
 * start and stop with a callback, pause and resume, auto-startup, the phase and the
 * failure that ended a run; the subclass only implements {@code startRun()}, returning a
 * {@code Run} that stops, reports whether it runs, and wakes. Its containers are
 * registered with
 * {@link dev.honker.spring.listener.HonkerListenerEndpointRegistry#registerListenerContainer},
 * which enforces unique ids across all kinds, starts them with the context (by phase),
 * stops them with it, and pauses and resumes them by id. The kind brings its own endpoint
 * description and factory, as {@code JobListenerEndpoint} and
 * {@code HonkerListenerContainerFactory} do for jobs, and its own annotation
 * post-processor if it has an annotation.
 */
@NullMarked
package dev.honker.spring.listener;

import org.jspecify.annotations.NullMarked;
