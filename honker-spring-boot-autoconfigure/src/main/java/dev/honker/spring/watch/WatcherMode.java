package dev.honker.spring.watch;

/**
 * What wakes the commit watcher between its reads of {@code PRAGMA data_version}.
 */
public enum WatcherMode {

	/**
	 * File events where the platform delivers them from the kernel on a local file
	 * system, otherwise the fixed poll.
	 */
	AUTO,

	/**
	 * File events on the database's directory (inotify on Linux, through the JDK's
	 * {@code WatchService}), each one followed by a read of {@code data_version} at once,
	 * plus a slow safety poll. Starting fails when the platform's {@code WatchService} is
	 * not kernel-backed or the file is on a network file system.
	 */
	EVENTS,

	/** A read of {@code data_version} at every poll interval, whatever happens. */
	POLL

}
