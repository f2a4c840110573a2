package dev.honker.spring.core;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One page of a queue's pending or processing jobs, in index order.
 *
 * @param jobs the jobs of this page
 * @param next the cursor that reads the next page, or {@code null} when this is the last
 * page
 */
public record LiveJobPage(List<LiveJob> jobs, @Nullable JobCursor next) {

	public LiveJobPage {
		jobs = List.copyOf(jobs);
	}

}
