package dev.honker.spring.watch;

/** What a {@link WakeSource} saw happen to the database's files while it waited. */
enum FileActivity {

	/** Nothing: the wait timed out. */
	NONE,

	/**
	 * The database, its {@code -wal} or its {@code -journal} was written or truncated.
	 */
	WRITTEN,

	/**
	 * A file took or left the database's name (created, deleted or renamed), so it may
	 * have been replaced.
	 */
	RENAMED

}
