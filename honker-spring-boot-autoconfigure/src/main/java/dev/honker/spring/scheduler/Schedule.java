package dev.honker.spring.scheduler;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;

/**
 * A registered schedule, as stored in {@code _honker_scheduler_tasks} (whichever process
 * or language registered it).
 *
 * @param name the schedule's unique name
 * @param queue the queue each firing enqueues a job on
 * @param expression the cron expression or {@code @every <n><unit>}
 * @param payload the payload of each fired job
 * @param priority the priority of each fired job
 * @param expires how long each fired job stays claimable, or {@code null} for ever
 * @param maxAttempts the attempts of each fired job
 * @param nextFireAt the next boundary; when it has passed, the leader's next tick fires
 * it
 * @param enabled {@code false} while paused
 */
public record Schedule(String name, String queue, String expression, JsonNode payload, long priority,
		@Nullable Duration expires, long maxAttempts, Instant nextFireAt, boolean enabled) {
}
