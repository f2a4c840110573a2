package dev.honker.spring.dashboard;

import java.time.Instant;
import java.util.List;

import dev.honker.spring.core.DeadJob;
import dev.honker.spring.core.HonkerStats;
import dev.honker.spring.core.JobDetails;
import dev.honker.spring.core.LiveJob;
import dev.honker.spring.core.QueueStats;

/**
 * The JSON documents of the dashboard's API. Times are Unix seconds (the page shows them
 * in the viewer's local time), so the application's Jackson date settings do not change
 * them.
 */
final class Views {

	private Views() {
	}

	static Long seconds(Instant instant) {
		return (instant != null) ? instant.getEpochSecond() : null;
	}

	/** Everything the overview shows. */
	record Overview(long generatedAt, List<QueueRow> queues, List<ThroughputHistory.Bucket> throughput,
			List<WorkerRow> workers, List<ListenerRow> listeners, List<ScheduleRow> schedules, List<TopicRow> streams) {
	}

	record QueueRow(String name, long pending, long claimableNow, long delayed, long processing, long expiredClaims,
			long dead, long oldestPendingSeconds) {

		static QueueRow of(QueueStats stats) {
			return new QueueRow(stats.queue(), stats.pending(), stats.claimableNow(), stats.delayed(),
					stats.processing(), stats.expiredClaims(), stats.dead(), stats.oldestPendingAge().toSeconds());
		}

	}

	record WorkerRow(String workerId, String queue, long claims, long lastSeen) {
	}

	record ListenerRow(String id, String queue, String description, boolean running, boolean paused, String failure) {
	}

	record ScheduleRow(String name, String queue, String expression, long nextFireAt, boolean paused,
			List<FireRow> lastFires) {
	}

	/** A fire of a schedule by this application: the boundary and the job it enqueued. */
	record FireRow(long fireAt, long jobId) {
	}

	/**
	 * A stream topic: its last offset (0 when it has no event left) and its consumers.
	 */
	record TopicRow(String topic, long lastOffset, List<ConsumerRow> consumers) {
	}

	record ConsumerRow(String consumer, long offset, long lag) {
	}

	/** One page of a queue's jobs in one state. */
	record QueuePage(QueueRow queue, String state, List<JobRow> jobs, String next, int limit) {
	}

	record JobRow(long id, String state, long priority, Long runAt, long attempts, long maxAttempts, String workerId,
			Long claimExpiresAt, Long createdAt, Long diedAt, String lastError, String payloadPreview) {

		static JobRow of(LiveJob job) {
			return new JobRow(job.id(), job.state(), job.priority(), seconds(job.runAt()), job.attempts(),
					job.maxAttempts(), job.workerId(), seconds(job.claimExpiresAt()), seconds(job.createdAt()), null,
					null, job.payloadPreview());
		}

		static JobRow of(DeadJob job) {
			return new JobRow(job.id(), "dead", job.priority(), seconds(job.runAt()), job.attempts(), job.maxAttempts(),
					null, null, seconds(job.createdAt()), seconds(job.diedAt()), job.lastError(),
					preview(job.payload()));
		}

		private static String preview(String payload) {
			int length = HonkerStats.PAYLOAD_PREVIEW_LENGTH;
			return (payload.length() <= length) ? payload : payload.substring(0, length);
		}

	}

	record JobView(long id, String queue, String state, String payload, long priority, Long runAt, long attempts,
			long maxAttempts, String workerId, Long claimExpiresAt, Long expiresAt, String lastError, Long createdAt,
			Long diedAt) {

		static JobView of(JobDetails job) {
			return new JobView(job.id(), job.queue(), job.state(), job.payload(), job.priority(), seconds(job.runAt()),
					job.attempts(), job.maxAttempts(), job.workerId(), seconds(job.claimExpiresAt()),
					seconds(job.expiresAt()), job.lastError(), seconds(job.createdAt()), seconds(job.diedAt()));
		}

	}

	/** The answer to a write, or an error: a message for the page to show. */
	record Message(int status, String message) {
	}

}
