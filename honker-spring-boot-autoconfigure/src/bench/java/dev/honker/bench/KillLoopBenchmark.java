package dev.honker.bench;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.honker.spring.listener.KillLoop;

/**
 * The long kill -9 loop: in each ack mode, 5,000 jobs drained by worker JVMs of which 50
 * are killed with SIGKILL at random moments of the drain (see {@link KillLoop}). Prints,
 * from the Honker tables and the handler's own {@code effects} table: jobs lost (must be
 * 0), jobs with a repeated effect and how many of those repeats did not follow a kill
 * (must be 0), and the number of effects in TRANSACTIONAL mode (must equal the jobs).
 */
public final class KillLoopBenchmark {

	private KillLoopBenchmark() {
	}

	/** Runs the loop. */
	public static void main(String[] args) throws Exception {
		int jobs = Integer.getInteger("kill.jobs", 5_000);
		int kills = Integer.getInteger("kill.kills", 50);
		Path directory = Files.createTempDirectory("honker-kill-loop");
		for (String ackMode : new String[] { "AFTER_HANDLER", "TRANSACTIONAL" }) {
			long start = System.nanoTime();
			KillLoop.Report report = KillLoop.run(directory, ackMode, jobs, kills, 42);
			System.out.printf("%s: %s (%.0f s)%n", ackMode, report, (System.nanoTime() - start) / 1e9);
		}
	}

}
