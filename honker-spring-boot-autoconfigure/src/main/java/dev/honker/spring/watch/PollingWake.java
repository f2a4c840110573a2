package dev.honker.spring.watch;

import java.util.concurrent.locks.LockSupport;

/**
 * Wakes the watcher every poll interval, whatever happens to the files. The watcher's
 * stop unparks its thread.
 */
final class PollingWake implements WakeSource {

	private final long pollNanos;

	private final String description;

	PollingWake(WatcherOptions options, String why) {
		this.pollNanos = options.pollInterval().toNanos();
		this.description = "reads PRAGMA data_version every " + WatcherOptions.describe(options.pollInterval()) + " ("
				+ why + ")";
	}

	@Override
	public FileActivity await(ReadOutcome last) {
		LockSupport.parkNanos(this, this.pollNanos);
		return FileActivity.NONE;
	}

	@Override
	public WatcherMode mode() {
		return WatcherMode.POLL;
	}

	@Override
	public String describe() {
		return this.description;
	}

	@Override
	public void close() {
		// nothing held: the watcher's stop unparks its thread
	}

}
