package dev.honker.spring.core;

import java.util.List;

/**
 * One page of a queue's pending or processing jobs, in index order.
 *
 * @param jobs the jobs of this page
 * @param next the cursor that reads the next page, or {@code null} when this is the last
 * page
 */
public record LiveJobPage(List<LiveJob> jobs, JobCursor next) {

	public LiveJobPage {
		jobs = List.copyOf(jobs);
	}

}
