package dev.honker.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The soak: {@code -Dsoak.seconds} (600) seconds of 500 transactions a second (an order
 * row and its job each) into a database that a worker JVM drains, WAL mode and
 * {@code -Dsoak.synchronous} (NORMAL, as in the quickstart). Every 10 s it prints the
 * worker's resident memory and heap after GC, the WAL size and the backlog; at the end
 * the first and last minute's averages, to show flat memory and a bounded WAL.
 */
public final class SoakBenchmark {

	private SoakBenchmark() {
	}

	/** Runs the soak. */
	public static void main(String[] args) throws Exception {
		Duration duration = Duration.ofSeconds(Long.getLong("soak.seconds", 600));
		String synchronous = System.getProperty("soak.synchronous", "NORMAL");
		Path directory = Files.createTempDirectory("honker-soak");
		System.out.printf("soak: 500 commits/s for %d s, synchronous=%s, samples every 10 s%n", duration.toSeconds(),
				synchronous);
		List<PacedLoad.Sample> samples = PacedLoad.run(directory.resolve("soak.db"), synchronous, 500, duration,
				Duration.ofSeconds(10));
		int minute = Math.min(6, samples.size());
		System.out.printf("first minute: %s%nlast minute:  %s%nmax backlog %,d, max WAL %.1f MB%n",
				average(samples.subList(0, minute)), average(samples.subList(samples.size() - minute, samples.size())),
				samples.stream().mapToLong(PacedLoad.Sample::backlog).max().orElse(0),
				samples.stream().mapToLong(PacedLoad.Sample::walBytes).max().orElse(0) / 1e6);
	}

	private static String average(List<PacedLoad.Sample> samples) {
		return String.format("worker RSS %.1f MB, heap after GC %.1f MB, WAL %.1f MB, backlog %.0f",
				samples.stream().mapToLong(PacedLoad.Sample::workerRssBytes).average().orElse(0) / 1e6,
				samples.stream().mapToLong(PacedLoad.Sample::workerHeapAfterGcBytes).average().orElse(0) / 1e6,
				samples.stream().mapToLong(PacedLoad.Sample::walBytes).average().orElse(0) / 1e6,
				samples.stream().mapToLong(PacedLoad.Sample::backlog).average().orElse(0));
	}

}
