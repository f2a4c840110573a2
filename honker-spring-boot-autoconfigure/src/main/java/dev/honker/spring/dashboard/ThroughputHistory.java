package dev.honker.spring.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.honker.spring.core.HonkerStats;
import dev.honker.spring.core.JobCounters;

/**
 * Jobs completed and dead-lettered per {@value #BUCKET_SECONDS} seconds, over all queues
 * and all processes on the database file, for the last {@value #BUCKETS} buckets. Each
 * {@link #sample()} reads {@link HonkerStats#counters()} and closes one bucket with the
 * difference to the previous reading.
 */
final class ThroughputHistory {

	static final int BUCKET_SECONDS = 10;

	static final Duration BUCKET = Duration.ofSeconds(BUCKET_SECONDS);

	static final int BUCKETS = 30;

	private static final Log logger = LogFactory.getLog(ThroughputHistory.class);

	private final HonkerStats stats;

	private final Deque<Bucket> buckets = new ArrayDeque<>();

	private JobCounters previous;

	ThroughputHistory(HonkerStats stats) {
		this.stats = stats;
	}

	/**
	 * Reads the counters and closes a bucket.
	 * @return whether the new bucket saw any job complete or die
	 */
	boolean sample() {
		JobCounters now;
		try {
			now = this.stats.counters();
		}
		catch (RuntimeException ex) {
			logger.warn("Honker dashboard: reading the job counters failed: " + ex.getMessage(), ex);
			return false;
		}
		synchronized (this.buckets) {
			JobCounters earlier = this.previous;
			this.previous = now;
			if (earlier == null) {
				return false;
			}
			Bucket bucket = new Bucket(earlier.at().getEpochSecond(), now.at().getEpochSecond(),
					now.completedSince(earlier), now.deadSince(earlier));
			add(bucket);
			return bucket.completed() + bucket.failed() > 0;
		}
	}

	/**
	 * Closes an empty bucket without reading the database, for a period in which nothing
	 * committed (the counters cannot have changed).
	 * @param now the time of the reading it stands for
	 */
	void unchanged(Instant now) {
		synchronized (this.buckets) {
			JobCounters earlier = this.previous;
			if (earlier == null) {
				return;
			}
			this.previous = new JobCounters(now, earlier.enqueued(), earlier.live(), earlier.dead());
			add(new Bucket(earlier.at().getEpochSecond(), now.getEpochSecond(), 0, 0));
		}
	}

	/** Stops counting until the next {@link #sample()}, which then starts afresh. */
	void pause() {
		synchronized (this.buckets) {
			this.previous = null;
		}
	}

	private void add(Bucket bucket) {
		this.buckets.addLast(bucket);
		while (this.buckets.size() > BUCKETS) {
			this.buckets.removeFirst();
		}
	}

	/** The closed buckets, oldest first. */
	List<Bucket> buckets() {
		synchronized (this.buckets) {
			return new ArrayList<>(this.buckets);
		}
	}

	/**
	 * Jobs that finished between two readings.
	 *
	 * @param start the first reading, Unix seconds
	 * @param end the second reading, Unix seconds
	 * @param completed jobs acknowledged (or cancelled, or dead jobs deleted)
	 * @param failed jobs that went to the dead table
	 */
	record Bucket(long start, long end, long completed, long failed) {
	}

}
