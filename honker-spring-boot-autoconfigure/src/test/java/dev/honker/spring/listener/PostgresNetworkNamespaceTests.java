package dev.honker.spring.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.honker.postgres.PostgresTestServer;

/**
 * Two worker JVMs on two "hosts": each runs in a network namespace of its own (its own
 * loopback, no route but a veth pair to this JVM's namespace), and reaches PostgreSQL
 * only at the host end of its veth pair, where a server of this test listens. They
 * process one queue together, each job exactly once, and the claims of one killed with
 * {@code kill -9} are completed by the other. Needs root and iproute2 (CI runs as root;
 * {@code .ci/run} installs iproute2); without them it fails, naming what is missing.
 */
class PostgresNetworkNamespaceTests {

	private static final Duration LONG = Duration.ofMinutes(5);

	private static VethNamespaces namespaces;

	private static PostgresTestServer server;

	@TempDir
	Path dir;

	private String databaseName;

	private PostgresWorkerDatabase database;

	@BeforeAll
	static void createNamespacesAndServer() {
		namespaces = VethNamespaces.create(2);
		server = PostgresTestServer.startListeningOn(List.of(namespaces.hostAddress(0), namespaces.hostAddress(1)),
				List.of(namespaces.namespaceAddress(0), namespaces.namespaceAddress(1)));
	}

	@AfterAll
	static void deleteServerAndNamespaces() {
		try {
			if (server != null) {
				server.close();
			}
		}
		finally {
			if (namespaces != null) {
				namespaces.close();
			}
		}
	}

	@BeforeEach
	void createDatabase() {
		this.databaseName = server.createDatabaseName();
		this.database = new PostgresWorkerDatabase(server.jdbcUrl(this.databaseName));
	}

	@AfterEach
	void closeDatabase() {
		this.database.close();
	}

	@Test
	void workersInTwoNetworkNamespacesProcessEachJobOfOneQueueExactlyOnce() throws Exception {
		int jobs = 5_000;
		List<ChildJvm> workers = new ArrayList<>();
		try {
			for (int host = 0; host < 2; host++) {
				workers.add(worker(host, "shared", "effect", "--honker.listener.ack-mode=AFTER_HANDLER",
						"--honker.listener.concurrency=4"));
			}
			await().atMost(LONG).until(() -> running(workers) && clientAddresses().size() == 2);
			this.database.enqueue("shared", 1, jobs);
			await().atMost(LONG)
				.pollInterval(Duration.ofMillis(500))
				.until(() -> count("SELECT count(*) FROM _honker_live") == 0);
			assertThat(clientAddresses()).as("each worker connects from its own namespace")
				.containsExactlyInAnyOrder(namespaces.namespaceAddress(0), namespaces.namespaceAddress(1));
			for (ChildJvm worker : workers) {
				assertThat(worker.handle().isAlive()).as("%s is still running", worker).isTrue();
			}
		}
		finally {
			workers.forEach(ChildJvm::close);
		}
		this.database.assertEachJobRanOnceOnItsFirstAttempt(jobs, 2);
	}

	@Test
	void claimsOfAWorkerKilledWithSigkillAreCompletedByTheWorkerInTheOtherNamespace() throws Exception {
		this.database.enqueue("crash", 0, 2);
		long killedPid;
		long survivorPid;
		try (ChildJvm blocked = worker(0, "crash", "block", "--honker.listener.visibility-timeout=2s",
				"--honker.listener.concurrency=2")) {
			killedPid = blocked.handle().pid();
			await().atMost(LONG).until(() -> running(List.of(blocked)) && count("SELECT count(*) FROM started") == 2);
			try (ChildJvm survivor = worker(1, "crash", "effect", "--honker.listener.visibility-timeout=2s")) {
				survivorPid = survivor.handle().pid();
				this.database.enqueue("crash", 2, 3);
				await().atMost(LONG).until(() -> count("SELECT count(*) FROM effects") == 3);
				assertThat(count("SELECT count(*) FROM _honker_live WHERE state = 'processing' AND worker_id LIKE '%:"
						+ killedPid + ":worker:%'"))
					.as("the blocked worker still holds its claims, heartbeating")
					.isEqualTo(2);
				blocked.kill();
				await().atMost(LONG).until(() -> count("SELECT count(*) FROM _honker_live") == 0);
				assertThat(survivor.handle().isAlive()).isTrue();
			}
		}
		assertThat(count("SELECT count(DISTINCT job_id) FROM effects")).isEqualTo(5);
		assertThat(count("SELECT count(*) FROM effects")).isEqualTo(5);
		assertThat(count("SELECT count(*) FROM effects WHERE pid = " + survivorPid)).isEqualTo(5);
		assertThat(count("SELECT count(*) FROM effects WHERE attempt = 2 AND job_id IN (SELECT job_id FROM started)"))
			.as("the killed worker's two jobs, claimed again")
			.isEqualTo(2);
		assertThat(count("SELECT count(*) FROM _honker_dead")).isZero();
	}

	/**
	 * Starts a worker JVM in namespace {@code host}, connecting to the host end of its
	 * pair.
	 */
	private ChildJvm worker(int host, String queue, String mode, String... more) throws Exception {
		List<String> args = new ArrayList<>(
				List.of("--spring.datasource.url=" + server.jdbcUrl(namespaces.hostAddress(host), this.databaseName),
						"--worker.queue=" + queue, "--worker.mode=" + mode));
		args.addAll(List.of(more));
		return ChildJvm.startBehind(namespaces.command(host), this.dir.resolve("worker-" + host + ".log"),
				WorkerMain.class, args.toArray(String[]::new));
	}

	/** True if every worker runs; fails with the log of one that exited. */
	private static boolean running(List<ChildJvm> workers) {
		for (ChildJvm worker : workers) {
			if (!worker.handle().isAlive()) {
				throw new IllegalStateException(worker + " exited");
			}
		}
		return true;
	}

	/**
	 * The addresses that connections to the test database come from, other than loopback.
	 */
	private List<String> clientAddresses() {
		return this.database.jdbc()
			.queryForList("SELECT DISTINCT host(client_addr) FROM pg_stat_activity"
					+ " WHERE datname = current_database() AND client_addr <> '127.0.0.1'", String.class);
	}

	private long count(String sql) {
		return this.database.count(sql);
	}

}
