package dev.honker.spring.core;

import org.jspecify.annotations.Nullable;
import java.util.List;

/**
 * One page of a queue's dead jobs, newest (highest id) first.
 *
 * @param jobs the jobs of this page
 * @param nextBefore the {@code before} argument that reads the next page, or {@code null}
 * when this is the last page
 */
public record DeadJobPage(List<DeadJob> jobs, @Nullable Long nextBefore) {

	public DeadJobPage {
		jobs = List.copyOf(jobs);
	}

}
