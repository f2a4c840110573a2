package dev.honker.postgres;

import static dev.honker.postgres.PostgresTestDatabase.queryLong;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Separate JVMs on one PostgreSQL database through the JDBC URL of
 * {@link PostgresTestServer}: workers in two child JVMs drain one queue with
 * {@code honker_claim_batch} and {@code honker_ack}, each job exactly once; a worker that
 * dies holding claims (killed with {@code Runtime.halt}, no ack, no rollback of anything
 * committed) has its jobs claimed again by another process once the visibility timeout
 * has passed.
 */
class PostgresSeparateJvmTests {

	Connection connection;

	String url;

	@BeforeEach
	void open() throws SQLException {
		this.url = PostgresTestDatabase.bootstrappedDatabase();
		this.connection = PostgresTestDatabase.connect(this.url);
	}

	@AfterEach
	void close() throws SQLException {
		this.connection.close();
	}

	@Test
	void twoWorkerJvmsDrainAQueueEachJobExactlyOnce() throws Exception {
		Set<Long> enqueued = new HashSet<>();
		for (int i = 0; i < 300; i++) {
			enqueued.add(queryLong(this.connection, "SELECT honker_enqueue('q', ?, NULL, NULL, 0, 3, NULL)",
					"{\"n\":" + i + "}"));
		}

		Process first = start("drain", "worker-a");
		Process second = start("drain", "worker-b");
		List<Long> processed = new ArrayList<>(idsOf(first));
		processed.addAll(idsOf(second));

		assertThat(processed).doesNotHaveDuplicates();
		assertThat(new HashSet<>(processed)).isEqualTo(enqueued);
		assertThat(queryLong(this.connection, "SELECT count(*) FROM _honker_live")).isZero();
		assertThat(queryLong(this.connection, "SELECT count(*) FROM _honker_dead")).isZero();
	}

	@Test
	void theJobsOfAWorkerThatDiedAreClaimedAgainAfterTheVisibilityTimeout() throws Exception {
		for (int i = 0; i < 5; i++) {
			queryLong(this.connection, "SELECT honker_enqueue('q', '{}', NULL, NULL, 0, 3, NULL)");
		}

		List<Long> held = idsOf(start("claim-and-die", "doomed"));
		assertThat(held).hasSize(5);
		assertThat(queryLong(this.connection, "SELECT count(*) FROM _honker_live WHERE worker_id = 'doomed'"))
			.isEqualTo(5);

		List<Long> reclaimed = new ArrayList<>();
		Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
			reclaimed.addAll(PostgresQueueFunctionsTests.claimedIds(PostgresTestDatabase.queryString(this.connection,
					"SELECT honker_claim_batch('q', 'rescuer', 10, 60)")));
			return reclaimed.size() == 5;
		});
		assertThat(reclaimed).containsExactlyInAnyOrderElementsOf(held);
		assertThat(queryLong(this.connection, "SELECT min(attempts) FROM _honker_live")).isEqualTo(2);
	}

	private Process start(String mode, String worker) throws IOException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		return new ProcessBuilder(List.of(java, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
				PostgresWorkerMain.class.getName(), this.url, mode, worker))
			.redirectErrorStream(true)
			.start();
	}

	/** Waits for a child to exit and returns the job ids it printed, one per line. */
	private static List<Long> idsOf(Process child) throws IOException, InterruptedException {
		boolean finished = child.waitFor(120, TimeUnit.SECONDS);
		if (!finished) {
			child.destroyForcibly();
		}
		String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
		assertThat(finished).as("child JVM finished within 120 s, output: %s", output).isTrue();
		assertThat(child.exitValue()).as("child JVM exit code, output: %s", output).isZero();
		List<Long> ids = new ArrayList<>();
		for (String line : output.split("\n")) {
			if (line.startsWith("job ")) {
				ids.add(Long.parseLong(line.substring(4).strip()));
			}
		}
		return ids;
	}

}
