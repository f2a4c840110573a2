package dev.honker.sample.web.demo;

import java.util.List;

/** Nearest-rank percentiles of a list of samples. */
final class Percentiles {

	private final long[] sorted;

	Percentiles(List<Long> samples) {
		this.sorted = samples.stream().mapToLong(Long::longValue).sorted().toArray();
	}

	int count() {
		return sorted.length;
	}

	/** The p-th percentile (0 < p <= 100) by nearest rank. */
	long at(double p) {
		if (sorted.length == 0) {
			throw new IllegalStateException("no samples");
		}
		int rank = (int) Math.ceil(p / 100.0 * sorted.length);
		return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
	}

}
