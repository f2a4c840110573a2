package dev.honker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.honker.spring.core.HonkerStats;
import dev.honker.spring.core.QueueStats;
import dev.honker.spring.listener.HonkerTestPool;

/**
 * Cost of {@link HonkerStats} on a large backlog: 1,000,000 live jobs in one queue
 * (800,000 claimable, 100,000 delayed, 100,000 claimed of which half have expired claims)
 * plus 10,000 jobs in each of 9 small queues, and 10,000 or 100,000 dead jobs, each
 * without and with this project's index of the dead table by queue. Prints the median of
 * 9 rounds (after 3 warm-up rounds) of {@code queues()}, {@code queue("bulk")},
 * {@code queue("small-0")} and {@code counters()}, then what each count of
 * {@code queue("bulk")} costs on its own, in milliseconds, and whether {@code queues()}
 * meets the 50 ms target.
 */
public final class StatsBenchmark {

	private static final int WARM_UP_ROUNDS = 3;

	private static final int ROUNDS = 9;

	private StatsBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Path directory = Files.createTempDirectory("honker-bench");
		Path file = directory.resolve("stats.db");
		try (HikariDataSource pool = HonkerTestPool.pool(file)) {
			fill(pool);
			HonkerStats stats = new HonkerStats(pool);
			JdbcTemplate jdbc = new JdbcTemplate(pool);
			List<Double> indexed = new ArrayList<>();
			for (int dead : new int[] { 10_000, 100_000 }) {
				setDead(pool, dead);
				for (boolean index : new boolean[] { false, true }) {
					jdbc.execute(index ? HonkerStats.DEAD_QUEUE_INDEX
							: "DROP INDEX IF EXISTS " + HonkerStats.DEAD_QUEUE_INDEX_NAME);
					System.out.printf("1,090,000 live jobs (1,000,000 in queue 'bulk'), %,d dead jobs, %s%n", dead,
							index ? "with the index " + HonkerStats.DEAD_QUEUE_INDEX_NAME
									: "without an index of _honker_dead (Honker 0.4's schema alone)");
					double queues = measure("queues() (10 queues)", stats::queues);
					measure("queue(\"bulk\")", () -> stats.queue("bulk"));
					measure("queue(\"small-0\")", () -> stats.queue("small-0"));
					measure("counters()", stats::counters);
					if (index) {
						indexed.add(queues);
					}
				}
			}
			System.out.println("what each read of queue(\"bulk\") costs, with the index and 100,000 dead jobs:");
			long now = Instant.now().getEpochSecond();
			Map<String, String> parts = new LinkedHashMap<>();
			parts.put("claimable now (pending, run_at <= now): 800,000",
					"SELECT count(*) FROM _honker_live WHERE queue = 'bulk' AND state = 'pending' AND run_at <= " + now);
			parts.put("delayed (pending, run_at > now): 100,000",
					"SELECT count(*) FROM _honker_live WHERE queue = 'bulk' AND state = 'pending' AND run_at > " + now);
			parts.put("processing: 100,000",
					"SELECT count(*) FROM _honker_live WHERE queue = 'bulk' AND state = 'processing'");
			parts.put("expired claims: 50,000", "SELECT count(*) FROM _honker_live WHERE queue = 'bulk'"
					+ " AND state = 'processing' AND claim_expires_at < " + now);
			parts.put("oldest claimable (one seek)", "SELECT min(run_at) FROM _honker_live WHERE queue = 'bulk'"
					+ " AND state = 'pending' AND run_at <= " + now);
			parts.put("dead: 50,000", "SELECT count(*) FROM _honker_dead WHERE queue = 'bulk'");
			for (Map.Entry<String, String> part : parts.entrySet()) {
				measure(part.getKey(), () -> jdbc.queryForObject(part.getValue(), Long.class));
			}
			QueueStats bulk = stats.queue("bulk");
			System.out.println("bulk: " + bulk);
			System.out.printf("queues() with the index: %s ms (10,000 and 100,000 dead); target <= 50 ms: %s%n",
					indexed.stream().map(value -> String.format("%.1f", value)).toList(),
					indexed.stream().allMatch(value -> value <= 50) ? "MET" : "NOT MET");
		}
		finally {
			deleteAll(directory);
		}
	}

	private static void fill(HikariDataSource pool) throws SQLException {
		long start = System.nanoTime();
		try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("BEGIN IMMEDIATE");
			statement.execute("""
					WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
					INSERT INTO _honker_live (queue, payload, state, run_at, worker_id, claim_expires_at, attempts)
					SELECT 'bulk', '{"order":' || i || '}',
					  CASE WHEN i <= 900000 THEN 'pending' ELSE 'processing' END,
					  CASE WHEN i <= 800000 THEN unixepoch() - 3600 + i % 3600
					       WHEN i <= 900000 THEN unixepoch() + 3600 ELSE unixepoch() - 600 END,
					  CASE WHEN i > 900000 THEN 'worker-1' END,
					  CASE WHEN i > 950000 THEN unixepoch() + 300 WHEN i > 900000 THEN unixepoch() - 10 END,
					  CASE WHEN i > 900000 THEN 1 ELSE 0 END
					FROM n""");
			statement.execute("""
					WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 90000)
					INSERT INTO _honker_live (queue, payload) SELECT 'small-' || (i % 9), '{}' FROM n""");
			statement.execute("COMMIT");
			statement.execute("ANALYZE");
		}
		System.out.printf("filled in %.1f s%n", (System.nanoTime() - start) / 1e9);
	}

	private static void setDead(HikariDataSource pool, int count) throws SQLException {
		try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("DELETE FROM _honker_dead");
			statement.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + count
					+ ") INSERT INTO _honker_dead (id, queue, payload, last_error) "
					+ "SELECT 2000000 + i, CASE WHEN i % 2 = 0 THEN 'bulk' ELSE 'small-' || (i % 9) END, '{}', 'boom' FROM n");
		}
	}

	private static double measure(String name, Supplier<?> call) {
		for (int i = 0; i < WARM_UP_ROUNDS; i++) {
			call.get();
		}
		double[] millis = new double[ROUNDS];
		for (int i = 0; i < ROUNDS; i++) {
			long start = System.nanoTime();
			call.get();
			millis[i] = (System.nanoTime() - start) / 1e6;
		}
		double median = BenchDatabase.median(millis);
		System.out.printf("  %-50s median %6.1f ms (rounds %s)%n", name, median, format(millis));
		return median;
	}

	private static String format(double[] values) {
		StringBuilder text = new StringBuilder();
		for (double value : values) {
			text.append(text.isEmpty() ? "" : " ").append(String.format("%.1f", value));
		}
		return text.toString();
	}

	private static void deleteAll(Path directory) throws IOException {
		try (var files = Files.list(directory)) {
			for (Path path : (Iterable<Path>) files::iterator) {
				Files.delete(path);
			}
		}
		Files.delete(directory);
	}

}
