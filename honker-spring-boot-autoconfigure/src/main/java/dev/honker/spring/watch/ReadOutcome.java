package dev.honker.spring.watch;

/** What the watcher's last read of {@code PRAGMA data_version} found. */
enum ReadOutcome {

	/** A new version: subscribers were woken. */
	CHANGED,

	/** The same version as before. */
	UNCHANGED,

	/**
	 * No answer: a writer held the lock (SQLITE_BUSY), or the connection was lost; read
	 * again soon.
	 */
	RETRY

}
