package dev.honker.sample.orders;

import java.time.Instant;

/**
 * Wall-clock time in epoch microseconds, comparable between the web and the worker
 * process.
 */
public final class Clock {

	private Clock() {
	}

	/** Now, in microseconds since the epoch. */
	public static long nowMicros() {
		Instant now = Instant.now();
		return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
	}

}
