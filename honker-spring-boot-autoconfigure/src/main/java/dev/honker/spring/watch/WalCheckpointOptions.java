package dev.honker.spring.watch;

/**
 * Whether the JVM that watches a SQLite file also checkpoints its write-ahead log in the
 * background, and at what size. SQLite runs a checkpoint inside whichever COMMIT takes
 * the WAL to the connection's {@code PRAGMA wal_autocheckpoint} pages (1,000 by default),
 * with the checkpoint's writes and fsyncs: that commit, and whoever waits for it, takes
 * milliseconds longer. The background checkpoint copies the WAL into the database before
 * commits get there, so that the next writer starts the WAL over instead.
 *
 * @param enabled whether the watcher's JVM runs background checkpoints
 * @param autoCheckpointPages the application's {@code PRAGMA wal_autocheckpoint}: the
 * background checkpoint runs when about three quarters as many pages have been written
 * since the last one; zero or negative means that the application turned automatic
 * checkpoints off, and then Honker does not checkpoint either
 */
public record WalCheckpointOptions(boolean enabled, int autoCheckpointPages) {

	/**
	 * On, with SQLite's default automatic checkpoint at 1,000 pages: on a quiet machine
	 * it took about a quarter off the listener's commit-to-handler p99 (see the README).
	 */
	public static final WalCheckpointOptions DEFAULTS = new WalCheckpointOptions(true, 1_000);

	/** Whether background checkpoints run. */
	boolean active() {
		return this.enabled && this.autoCheckpointPages > 0;
	}

	/** How many WAL pages written since the last checkpoint call for the next one. */
	int triggerPages() {
		return Math.max(1, this.autoCheckpointPages / 4 * 3);
	}

	/** What the options mean, for the watcher's startup line. */
	String describe() {
		if (!this.enabled) {
			return "background WAL checkpoint off";
		}
		if (this.autoCheckpointPages <= 0) {
			return "background WAL checkpoint off, as wal_autocheckpoint is " + this.autoCheckpointPages;
		}
		return "background WAL checkpoint (PASSIVE) every ~" + triggerPages() + " pages, before wal_autocheckpoint's "
				+ this.autoCheckpointPages;
	}

}
