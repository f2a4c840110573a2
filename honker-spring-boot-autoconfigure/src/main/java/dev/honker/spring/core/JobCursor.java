package dev.honker.spring.core;

import org.jspecify.annotations.Nullable;

/**
 * Where a page of {@link HonkerStats#liveJobs} ends: the next page starts after this
 * position of the index.
 *
 * @param position the {@code run_at} (pending jobs) or {@code claim_expires_at}
 * (processing jobs) of the last job of the page, in Unix seconds
 * @param id the id of the last job of the page
 */
public record JobCursor(long position, long id) {

	/**
	 * Parses the text form {@code position.id} of {@link #toString()}.
	 * @param text the cursor text
	 * @return the cursor
	 * @throws IllegalArgumentException if the text is not of the form {@code 123.456}
	 */
	public static JobCursor parse(@Nullable String text) {
		int dot = (text != null) ? text.indexOf('.') : -1;
		if (dot > 0) {
			try {
				return new JobCursor(Long.parseLong(text.substring(0, dot)), Long.parseLong(text.substring(dot + 1)));
			}
			catch (NumberFormatException ex) {
				// reported below
			}
		}
		throw new IllegalArgumentException("cursor must be of the form <position>.<id>, got '" + text + "'");
	}

	/** The text form, {@code position.id}. */
	@Override
	public String toString() {
		return this.position + "." + this.id;
	}

}
