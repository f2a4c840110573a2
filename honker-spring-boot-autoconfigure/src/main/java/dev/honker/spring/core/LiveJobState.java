package dev.honker.spring.core;

/**
 * The two states of a job in {@code _honker_live}, as {@link HonkerStats#liveJobs} pages
 * them.
 */
public enum LiveJobState {

	/**
	 * Waiting to be claimed (due or delayed), ordered by {@code run_at}: the
	 * {@code _honker_live_pending_deadline} index.
	 */
	PENDING("pending"),

	/**
	 * Claimed by a worker, ordered by {@code claim_expires_at}: the
	 * {@code _honker_live_processing_deadline} index.
	 */
	PROCESSING("processing");

	private final String column;

	LiveJobState(String column) {
		this.column = column;
	}

	/** The value of the {@code state} column. */
	public String column() {
		return this.column;
	}

}
