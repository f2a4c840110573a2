package dev.honker.spring.listener;

import java.util.concurrent.TimeUnit;

/**
 * How many jobs a {@link ClaimLoop} may hold, and when it claims again, from the pace of
 * its handlers and of its own claim passes (moving averages, an eighth of each new
 * figure).
 *
 * <p>
 * The loop holds {@link #capacity()} jobs at most: {@code concurrency} running, plus a
 * claim ahead of as many jobs as the handler threads finish within
 * {@value #HORIZON_MILLIS} ms at their pace, at most {@value #MAX_PER_THREAD} per thread.
 * A handler that takes longer than {@value #HORIZON_MILLIS} ms gets no claim ahead, so a
 * slow handler never holds jobs that another worker could run.
 *
 * <p>
 * The loop claims again when the jobs waiting for a handler thread fall below the
 * {@link #lowWater() low-water mark}: the jobs the handler threads finish during one
 * claim pass, so the next claim commits before they run dry; at least
 * {@code concurrency}, at most the claim ahead. Fast handlers thereby keep the claim
 * thread claiming back to back in batches as large as the claim ahead, and the handlers
 * run while it claims; slow ones are claimed for when a thread is about to become free,
 * as before there was a pace.
 *
 * <p>
 * Handler threads record their run times at once without a lock: a sample lost to a race
 * only makes the average move a little later.
 */
final class ClaimAhead {

	static final long HORIZON_MILLIS = 5;

	static final int MAX_PER_THREAD = 64;

	private static final long HORIZON_NANOS = TimeUnit.MILLISECONDS.toNanos(HORIZON_MILLIS);

	/** Nothing measured yet. */
	private static final long UNKNOWN = -1;

	private final int concurrency;

	private volatile long handlerNanos = UNKNOWN;

	private volatile long passNanos = UNKNOWN;

	ClaimAhead(int concurrency) {
		this.concurrency = concurrency;
	}

	/** Records the run time of one job on a handler thread. */
	void handlerRan(long nanos) {
		this.handlerNanos = average(this.handlerNanos, nanos);
	}

	/** Records the time of a claim pass that claimed jobs, from its start to dispatch. */
	void passTook(long nanos) {
		this.passNanos = average(this.passNanos, nanos);
	}

	/**
	 * The most jobs the loop may hold, running or waiting: {@code concurrency} plus the
	 * claim ahead.
	 */
	int capacity() {
		return this.concurrency + claimAhead();
	}

	/**
	 * The number of waiting jobs below which the loop claims again: what the handler
	 * threads finish during one claim pass, at least {@code concurrency}, at most the
	 * claim ahead.
	 */
	int lowWater() {
		long pace = this.handlerNanos;
		long pass = this.passNanos;
		if (pace == UNKNOWN || pass == UNKNOWN) {
			return this.concurrency;
		}
		long finishedDuringPass = this.concurrency * (pass / Math.max(pace, 1));
		return (int) Math.max(this.concurrency, Math.min(finishedDuringPass, claimAhead()));
	}

	/**
	 * The jobs the handler threads finish within the horizon at their pace, at most
	 * {@link #MAX_PER_THREAD} per thread; none before the first handler has finished.
	 */
	private int claimAhead() {
		long pace = this.handlerNanos;
		if (pace == UNKNOWN) {
			return 0;
		}
		long ahead = this.concurrency * (HORIZON_NANOS / Math.max(pace, 1));
		return (int) Math.min(ahead, (long) this.concurrency * MAX_PER_THREAD);
	}

	private static long average(long average, long sample) {
		return (average == UNKNOWN) ? sample : average + (sample - average) / 8;
	}

}
