package dev.honker.spring.watch;

/**
 * What the watcher thread waits on between two reads of {@code PRAGMA data_version}: a
 * fixed poll interval, or file events with a slow safety poll.
 */
interface WakeSource extends AutoCloseable {

	/**
	 * Waits until the next read of {@code data_version} is due.
	 * @param last what the previous read found
	 * @return what happened to the database's files meanwhile
	 * @throws InterruptedException if the watcher thread is interrupted
	 */
	FileActivity await(ReadOutcome last) throws InterruptedException;

	/**
	 * The mode this source implements: {@link WatcherMode#EVENTS} or
	 * {@link WatcherMode#POLL}.
	 */
	WatcherMode mode();

	/** How the source wakes the watcher, for the startup log line. */
	String describe();

	/** Ends a wait in progress from another thread and releases what the source holds. */
	@Override
	void close();

}
