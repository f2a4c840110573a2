package dev.honker.spring.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.honker.postgres.PostgresTestServer;

/**
 * Worker JVMs on one PostgreSQL database, each a Boot application configured only by its
 * {@code spring.datasource.url}: three of them process 50,000 jobs, each exactly once, in
 * {@code AFTER_HANDLER} mode, claiming with {@code SKIP LOCKED} side by side; and the
 * jobs of a worker killed with {@code kill -9} are claimed again after the visibility
 * timeout and completed by another worker. The JVMs share the loopback interface;
 * {@link PostgresNetworkNamespaceTests} runs workers in network namespaces of their own.
 */
class PostgresWorkersTests {

	private static final Duration LONG = Duration.ofMinutes(5);

	@TempDir
	Path dir;

	private String url;

	private PostgresWorkerDatabase database;

	@BeforeEach
	void createDatabase() {
		this.url = PostgresTestServer.get().createDatabase();
		this.database = new PostgresWorkerDatabase(this.url);
	}

	@AfterEach
	void closeDatabase() {
		this.database.close();
	}

	@Test
	void threeWorkerJvmsProcessFiftyThousandJobsEachExactlyOnce() throws Exception {
		int jobs = 50_000;
		List<ChildJvm> workers = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				workers.add(worker("worker-" + i, "bulk", "effect", "--honker.listener.ack-mode=AFTER_HANDLER",
						"--honker.listener.concurrency=4"));
			}
			this.database.enqueue("bulk", 1, jobs);
			await().atMost(LONG)
				.pollInterval(Duration.ofSeconds(1))
				.until(() -> count("SELECT count(*) FROM _honker_live") == 0);
			for (ChildJvm worker : workers) {
				assertThat(worker.handle().isAlive()).as("%s is still running", worker).isTrue();
			}
		}
		finally {
			workers.forEach(ChildJvm::close);
		}
		this.database.assertEachJobRanOnceOnItsFirstAttempt(jobs, 3);
	}

	@Test
	void jobsOfAWorkerKilledWithSigkillAreReclaimedAfterTheVisibilityTimeout() throws Exception {
		this.database.enqueue("crash", 0, 5);
		long killedPid;
		try (ChildJvm blocked = worker("blocked", "crash", "block", "--honker.listener.visibility-timeout=2s",
				"--honker.listener.concurrency=2")) {
			killedPid = blocked.handle().pid();
			await().atMost(LONG).until(() -> count("SELECT count(*) FROM started") == 2);
			assertThat(count("SELECT count(*) FROM _honker_live WHERE state = 'processing' AND worker_id LIKE '%:"
					+ killedPid + ":worker:%'"))
				.isEqualTo(2);
			blocked.kill();
		}
		assertThat(count("SELECT count(*) FROM _honker_live")).as("nothing acknowledged by the killed worker")
			.isEqualTo(5);
		try (ChildJvm survivor = worker("survivor", "crash", "effect", "--honker.listener.visibility-timeout=2s")) {
			await().atMost(LONG).until(() -> count("SELECT count(*) FROM _honker_live") == 0);
		}
		assertThat(count("SELECT count(DISTINCT job_id) FROM effects")).isEqualTo(5);
		assertThat(count("SELECT count(*) FROM effects")).isEqualTo(5);
		assertThat(count("SELECT count(*) FROM effects WHERE attempt = 2")).as("the two reclaimed jobs").isEqualTo(2);
		assertThat(count("SELECT count(*) FROM effects WHERE pid = " + killedPid)).isZero();
		assertThat(count("SELECT count(*) FROM _honker_dead")).isZero();
	}

	private ChildJvm worker(String name, String queue, String mode, String... more) throws Exception {
		List<String> args = new ArrayList<>(
				List.of("--spring.datasource.url=" + this.url, "--worker.queue=" + queue, "--worker.mode=" + mode));
		args.addAll(List.of(more));
		return ChildJvm.start(this.dir.resolve(name + ".log"), WorkerMain.class, args.toArray(String[]::new));
	}

	private long count(String sql) {
		return this.database.count(sql);
	}

}
