package dev.honker.spring.listener;

import static dev.honker.spring.listener.HonkerTestPool.enqueue;
import static dev.honker.spring.listener.HonkerTestPool.queryLong;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A worker JVM killed with SIGKILL in the middle of its jobs loses nothing: another
 * worker completes them.
 */
class CrashRecoveryTests {

	private static final Duration LONG = Duration.ofSeconds(60);

	@TempDir
	Path dir;

	private Path file;

	private HikariDataSource pool;

	@BeforeEach
	void openDatabase() throws Exception {
		this.file = this.dir.resolve("app.db");
		this.pool = HonkerTestPool.pool(this.file);
		HonkerTestPool.execute(this.pool, "CREATE TABLE started (job_id INTEGER NOT NULL, pid INTEGER NOT NULL)");
		HonkerTestPool.execute(this.pool, "CREATE TABLE done (job_id INTEGER NOT NULL, attempts INTEGER NOT NULL)");
	}

	@AfterEach
	void closeDatabase() {
		this.pool.close();
	}

	@Test
	void jobsOfAKilledWorkerAreReclaimedAfterTheVisibilityTimeoutAndCompletedByAnother() throws Exception {
		List<Long> ids = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			ids.add(enqueue(this.pool, "crash", "{\"n\":" + i + "}", 3));
		}
		long childPid;
		try (ChildJvm worker = ChildJvm.start(this.dir.resolve("worker.log"), WorkerMain.class,
				"--worker.db=" + this.file, "--worker.queue=crash", "--worker.mode=block",
				"--honker.listener.visibility-timeout=2s", "--honker.listener.concurrency=2")) {
			childPid = worker.handle().pid();
			await().atMost(LONG).until(() -> queryLong(this.pool, "SELECT count(*) FROM started") == 2);
			assertThat(queryLong(this.pool,
					"SELECT count(*) FROM _honker_live WHERE state = 'processing' AND worker_id LIKE ?",
					"%:" + childPid + ":worker:%"))
				.isEqualTo(2);
			worker.kill();
		}
		assertThat(queryLong(this.pool, "SELECT count(*) FROM _honker_live"))
			.as("nothing acknowledged by the killed worker")
			.isEqualTo(5);
		ListenerContexts.runner(this.pool)
			.withBean(Recording.class)
			.withPropertyValues("honker.listener.visibility-timeout=2s")
			.run(context -> {
				await().atMost(LONG).until(() -> queryLong(this.pool, "SELECT count(*) FROM _honker_live") == 0);
				assertThat(queryLong(this.pool, "SELECT count(*) FROM _honker_dead")).isZero();
				assertThat(queryLong(this.pool, "SELECT count(DISTINCT job_id) FROM done")).isEqualTo(5);
				assertThat(queryLong(this.pool, "SELECT count(*) FROM done")).isEqualTo(5);
				assertThat(queryLong(this.pool, "SELECT min(job_id) FROM done")).isEqualTo(ids.get(0));
				assertThat(queryLong(this.pool, "SELECT max(job_id) FROM done")).isEqualTo(ids.get(4));
				assertThat(queryLong(this.pool,
						"SELECT count(*) FROM done d JOIN started s ON s.job_id = d.job_id "
								+ "WHERE d.attempts = 2 AND s.pid = ?",
						childPid))
					.as("reclaimed jobs, on their second attempt")
					.isEqualTo(2);
				assertThat(queryLong(this.pool, "SELECT count(*) FROM done WHERE attempts = 1")).isEqualTo(3);
			});
	}

	static class Recording {

		private final JdbcTemplate jdbc;

		Recording(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@HonkerListener(queue = "crash", id = "rescuer")
		void handle(HonkerJob job) {
			this.jdbc.update("INSERT INTO done (job_id, attempts) VALUES (?, ?)", job.id(), job.attempts());
		}

	}

}
