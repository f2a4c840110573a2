/**
 * Micrometer Observation of Honker jobs: the {@code honker.enqueue} and
 * {@code honker.job} observations, their contexts, and their conventions, which an
 * application can replace as in spring-kafka. {@link HonkerEnqueueContext} is a sender
 * context and {@link HonkerJobContext} a receiver context, so Micrometer Tracing injects
 * the trace context into the job's carrier on enqueue and extracts it on handling.
 * Depends on Micrometer Observation only.
 */
@NullMarked
package dev.honker.spring.observation;

import org.jspecify.annotations.NullMarked;
