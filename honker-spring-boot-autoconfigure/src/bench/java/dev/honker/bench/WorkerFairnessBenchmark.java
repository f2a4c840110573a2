package dev.honker.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Whether a worker keeps draining against a producer that commits 500 times a second,
 * in both {@code synchronous} modes: {@code -Dfairness.seconds} (60) seconds each of FULL
 * (SQLite's default, which the quickstart used to leave) and NORMAL, samples every 5 s,
 * then the largest backlog, the backlog at the end and the largest WAL per mode.
 */
public final class WorkerFairnessBenchmark {

	private WorkerFairnessBenchmark() {
	}

	/** Runs both modes. */
	public static void main(String[] args) throws Exception {
		Duration duration = Duration.ofSeconds(Long.getLong("fairness.seconds", 60));
		Path directory = Files.createTempDirectory("honker-fairness");
		System.out.printf("worker fairness: producer at 500 commits/s, worker of 4 threads, %d s per mode%n",
				duration.toSeconds());
		for (String synchronous : new String[] { "FULL", "NORMAL" }) {
			List<PacedLoad.Sample> samples = PacedLoad.run(directory.resolve("fair-" + synchronous + ".db"),
					synchronous, 500, duration, Duration.ofSeconds(5));
			PacedLoad.Sample last = samples.get(samples.size() - 1);
			System.out.printf("%s: enqueued %,d (%,.0f/s), max backlog %,d, backlog at the end %,d, max WAL %.1f MB%n",
					synchronous, last.enqueued(), last.enqueued() / (double) duration.toSeconds(),
					samples.stream().mapToLong(PacedLoad.Sample::backlog).max().orElse(0), last.backlog(),
					samples.stream().mapToLong(PacedLoad.Sample::walBytes).max().orElse(0) / 1e6);
		}
	}

}
