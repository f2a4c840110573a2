package dev.honker.spring.listener;

import static dev.honker.sqlite.TestDatabase.execute;
import static dev.honker.sqlite.TestDatabase.queryLong;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import dev.honker.sqlite.HonkerFunctions;

/**
 * The kill -9 loop: {@code jobs} jobs drained by worker JVMs ({@link WorkerMain} in
 * {@code effect} mode, 4 handler threads, a 2 s visibility timeout) of which
 * {@code kills} are killed with SIGKILL at random moments of the drain (after a random
 * number of new effects), each replaced by a new worker; a last worker finishes the
 * drain. Then the counts, from the Honker tables and the handler's own {@code effects}
 * table.
 */
public final class KillLoop {

	private static final Duration DRAIN_LIMIT = Duration.ofMinutes(20);

	private KillLoop() {
	}

	/**
	 * Runs the loop on a new database file in {@code directory}.
	 * @param ackMode {@code AFTER_HANDLER} or {@code TRANSACTIONAL}
	 */
	public static Report run(Path directory, String ackMode, int jobs, int kills, long seed) throws Exception {
		Path file = directory.resolve("kill-" + ackMode + ".db");
		try (Connection connection = open(file)) {
			execute(connection, "SELECT honker_bootstrap()");
			execute(connection, "CREATE TABLE effects (job_id INTEGER NOT NULL, attempt INTEGER NOT NULL,"
					+ " pid INTEGER NOT NULL)");
			execute(connection, "BEGIN IMMEDIATE");
			try (PreparedStatement enqueue = connection
				.prepareStatement("SELECT honker_enqueue('kill', ?, NULL, NULL, 0, 1000, NULL)")) {
				for (int i = 0; i < jobs; i++) {
					enqueue.setString(1, "{\"n\":" + i + "}");
					enqueue.executeQuery().close();
				}
			}
			execute(connection, "COMMIT");
			Random random = new Random(seed);
			Set<Long> killed = new HashSet<>();
			for (int kill = 0; kill < kills && queryLong(connection, "SELECT count(*) FROM _honker_live") > 0; kill++) {
				long before = queryLong(connection, "SELECT count(*) FROM effects");
				long after = before + 1 + random.nextInt(Math.max(1, jobs / (2 * Math.max(1, kills))));
				try (ChildJvm worker = startWorker(directory, file, ackMode, kill)) {
					await().atMost(DRAIN_LIMIT)
						.pollInterval(Duration.ofMillis(1 + random.nextInt(5)))
						.until(() -> queryLong(connection, "SELECT count(*) FROM effects") >= after
								|| queryLong(connection, "SELECT count(*) FROM _honker_live") == 0);
					killed.add(worker.handle().pid());
					worker.kill();
				}
			}
			try (ChildJvm last = startWorker(directory, file, ackMode, kills)) {
				await().atMost(DRAIN_LIMIT)
					.pollInterval(Duration.ofMillis(50))
					.until(() -> queryLong(connection, "SELECT count(*) FROM _honker_live") == 0);
			}
			return report(connection, jobs, killed);
		}
	}

	private static ChildJvm startWorker(Path directory, Path file, String ackMode, int number) throws Exception {
		return ChildJvm.start(directory.resolve("worker-" + ackMode + "-" + number + ".log"), WorkerMain.class,
				"--worker.db=" + file, "--worker.queue=kill", "--worker.mode=effect",
				"--honker.listener.ack-mode=" + ackMode, "--honker.listener.concurrency=4",
				"--honker.listener.visibility-timeout=2s", "--logging.level.root=WARN");
	}

	private static Report report(Connection connection, int jobs, Set<Long> killed) throws SQLException {
		String killedPids = killed.isEmpty() ? "0" : String.join(",", killed.stream().map(String::valueOf).toList());
		long handled = queryLong(connection, "SELECT count(DISTINCT job_id) FROM effects");
		long effects = queryLong(connection, "SELECT count(*) FROM effects");
		long duplicatedJobs = queryLong(connection,
				"SELECT count(*) FROM (SELECT job_id FROM effects GROUP BY job_id HAVING count(*) > 1)");
		// a repeated effect is explained when every run but the last was by a killed
		// worker
		long unexplained = queryLong(connection, """
				SELECT count(*) FROM effects e
				 WHERE e.attempt < (SELECT max(attempt) FROM effects l WHERE l.job_id = e.job_id)
				   AND e.pid NOT IN (%s)""".formatted(killedPids));
		return new Report(jobs, killed.size(), handled, effects, duplicatedJobs, unexplained,
				queryLong(connection, "SELECT count(*) FROM _honker_live"),
				queryLong(connection, "SELECT count(*) FROM _honker_dead"));
	}

	private static Connection open(Path file) throws SQLException {
		Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
		execute(connection, "PRAGMA journal_mode=WAL");
		execute(connection, "PRAGMA busy_timeout=10000");
		HonkerFunctions.register(connection);
		return connection;
	}

	/**
	 * What the loop left.
	 *
	 * @param jobs jobs enqueued
	 * @param kills workers killed
	 * @param handled distinct jobs with an effect
	 * @param effects effect rows
	 * @param duplicatedJobs jobs with more than one effect
	 * @param unexplainedDuplicates repeated effects not from a killed worker's run
	 * @param live jobs left in {@code _honker_live}
	 * @param dead jobs in {@code _honker_dead}
	 */
	public record Report(long jobs, long kills, long handled, long effects, long duplicatedJobs,
			long unexplainedDuplicates, long live, long dead) {

		/** Jobs neither handled nor live nor dead. */
		public long lost() {
			return this.jobs - this.handled - this.live - this.dead;
		}

		@Override
		public String toString() {
			return this.jobs + " jobs, " + this.kills + " kills: " + this.handled + " handled, " + lost() + " lost, "
					+ this.dead + " dead, " + this.live + " left, " + this.effects + " effects, " + this.duplicatedJobs
					+ " jobs with a repeated effect (" + this.unexplainedDuplicates + " not after a kill)";
		}

	}

}
