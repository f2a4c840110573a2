package dev.honker.spring.core;

import java.time.Instant;

/**
 * Totals over all queues at one moment, read in one statement by
 * {@link HonkerStats#counters()}. Two readings tell how many jobs were enqueued, finished
 * and dead-lettered in between: see {@link #completedSince} and {@link #deadSince}.
 *
 * @param at when they were read
 * @param enqueued how many ids {@code _honker_live} has handed out so far (its
 * {@code AUTOINCREMENT} sequence), that is every job ever enqueued
 * @param live the jobs in {@code _honker_live} (pending and processing)
 * @param dead the jobs in {@code _honker_dead}
 */
public record JobCounters(Instant at, long enqueued, long live, long dead) {

	/**
	 * How many jobs left the live table, other than to the dead table, between
	 * {@code earlier} and this reading: jobs acknowledged, plus jobs cancelled and dead
	 * jobs deleted (the database cannot tell these apart). A dead job requeued in between
	 * does not count.
	 * @param earlier an earlier reading
	 * @return the number, never negative
	 */
	public long completedSince(JobCounters earlier) {
		long enqueuedSince = this.enqueued - earlier.enqueued;
		return Math.max(0, enqueuedSince - (this.live - earlier.live) - (this.dead - earlier.dead));
	}

	/**
	 * How much the dead table grew between {@code earlier} and this reading; jobs that
	 * died and were requeued or deleted in between do not count.
	 * @param earlier an earlier reading
	 * @return the number, never negative
	 */
	public long deadSince(JobCounters earlier) {
		return Math.max(0, this.dead - earlier.dead);
	}

}
