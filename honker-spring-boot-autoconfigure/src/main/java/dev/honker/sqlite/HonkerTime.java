package dev.honker.sqlite;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The range of the times Honker stores: whole Unix seconds from 0001-01-01T00:00:00Z to
 * 9999-12-31T23:59:59Z, which every binding can read back ({@link Instant}, Python's
 * {@code datetime}, JavaScript's {@code Date}). The functions refuse arguments that would
 * store a time outside it, instead of letting SQLite's integer arithmetic overflow into a
 * REAL or wrap around; a row already outside it (written by another binding) is clamped
 * when read.
 */
public final class HonkerTime {

	/** 0001-01-01T00:00:00Z. */
	public static final long MIN_EPOCH_SECOND = -62_135_596_800L;

	/** 9999-12-31T23:59:59Z. */
	public static final long MAX_EPOCH_SECOND = 253_402_300_799L;

	private HonkerTime() {
	}

	/**
	 * The most seconds that can be added to the current time; one second short of the
	 * exact bound, so that the database's clock reading the next second still fits.
	 * @return a positive number of seconds
	 */
	public static long maxSecondsFromNow() {
		return MAX_EPOCH_SECOND - (System.currentTimeMillis() / 1000 + 1);
	}

	/**
	 * The instant of a stored time, clamped to the range, so that a row outside it reads
	 * as the nearest end instead of failing.
	 * @param epochSecond a stored time
	 * @return its instant
	 */
	public static Instant toInstant(long epochSecond) {
		return Instant.ofEpochSecond(Math.max(MIN_EPOCH_SECOND, Math.min(MAX_EPOCH_SECOND, epochSecond)));
	}

	/**
	 * Checks a duration in seconds that a function adds to (or, when negative, subtracts
	 * from) the current time.
	 * @throws FunctionException naming the argument when the result would leave the range
	 */
	static long relative(String argument, long seconds) {
		long now = System.currentTimeMillis() / 1000;
		if (seconds > MAX_EPOCH_SECOND - (now + 1) || seconds < MIN_EPOCH_SECOND - (now - 1)) {
			throw new FunctionException(argument + " " + seconds + " is out of range: now + " + argument
					+ " must lie between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z");
		}
		return seconds;
	}

	/** {@link #relative} for a nullable argument. */
	static @Nullable Long relativeOrNull(String argument, @Nullable Long seconds) {
		return (seconds != null) ? relative(argument, seconds) : null;
	}

	/**
	 * Checks a time given as Unix seconds.
	 * @throws FunctionException naming the argument when it is outside the range
	 */
	static @Nullable Long absoluteOrNull(String argument, @Nullable Long epochSecond) {
		if (epochSecond != null && (epochSecond < MIN_EPOCH_SECOND || epochSecond > MAX_EPOCH_SECOND)) {
			throw new FunctionException(
					argument + " " + epochSecond + " is out of range: it must lie between 0001-01-01T00:00:00Z ("
							+ MIN_EPOCH_SECOND + ") and 9999-12-31T23:59:59Z (" + MAX_EPOCH_SECOND + ")");
		}
		return epochSecond;
	}

}
