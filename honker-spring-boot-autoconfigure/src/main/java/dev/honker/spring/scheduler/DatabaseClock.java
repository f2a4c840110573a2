package dev.honker.spring.scheduler;

import java.time.Clock;

/**
 * The database's clock as the scheduler leader sees it from this host: the host's clock
 * plus the offset measured at the latest read of the database's time. The leader decides
 * when to tick, and how long to sleep, by this clock, since the tick itself and the
 * lock's expiry use the database's time: on PostgreSQL a host whose clock runs ahead or
 * behind the database server neither ticks early (and in a loop, firing nothing) nor
 * late. On SQLite the database's time is this host's own, and the offset stays near zero.
 */
final class DatabaseClock {

	private final Clock host;

	private volatile long offsetMillis;

	DatabaseClock(Clock host) {
		this.host = host;
	}

	/** The host's time, in Unix milliseconds. */
	long hostMillis() {
		return this.host.millis();
	}

	/**
	 * Records the database's time, read by a query that ran between two readings of
	 * {@link #hostMillis()}; the read is taken to be halfway.
	 */
	void observe(long databaseMillis, long hostBefore, long hostAfter) {
		this.offsetMillis = databaseMillis - (hostBefore + (hostAfter - hostBefore) / 2);
	}

	/** The database's time now, in Unix milliseconds. */
	long nowMillis() {
		return this.host.millis() + this.offsetMillis;
	}

}
