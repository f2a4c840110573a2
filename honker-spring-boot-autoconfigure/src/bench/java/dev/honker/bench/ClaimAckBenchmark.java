package dev.honker.bench;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * Drains a deep backlog (50,000 pending jobs) the way a worker does: claim in one
 * transaction, ack in the next. Measures {@code honker_claim_batch(32)} +
 * {@code honker_ack_batch} and, for comparison, single claims + {@code honker_ack}.
 * Prints jobs per second (median of 3 runs) and the rate over the first and the last
 * 5,000 jobs of each drain, which match when the drain is linear.
 */
public final class ClaimAckBenchmark {

	private static final int BACKLOG = 50_000;

	private static final int WARM_UP_BACKLOG = 5_000;

	private static final int EDGE = 5_000;

	private static final int RUNS = 3;

	private static final int BATCH = 32;

	private ClaimAckBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		try (BenchDatabase database = BenchDatabase.open("claim-ack")) {
			Worker worker = new Worker(database);
			fill(database, WARM_UP_BACKLOG);
			worker.drain(BATCH, WARM_UP_BACKLOG);
			fill(database, WARM_UP_BACKLOG);
			worker.drain(1, WARM_UP_BACKLOG);

			System.out.printf("backlog %,d jobs, claim and ack in separate BEGIN IMMEDIATE transactions%n", BACKLOG);
			double batched = measure(database, worker, BATCH, "claim_batch(32) + ack_batch");
			double single = measure(database, worker, 1, "claim_batch(1) + ack");
			System.out.printf("median: batches of 32 %,.0f jobs/s, single %,.0f jobs/s (batch / single = %.2fx)%n",
					batched, single, batched / single);
		}
	}

	private static double measure(BenchDatabase database, Worker worker, int batch, String label) throws SQLException {
		double[] rates = new double[RUNS];
		for (int run = 0; run < RUNS; run++) {
			fill(database, BACKLOG);
			Drain drain = worker.drain(batch, BACKLOG);
			rates[run] = drain.jobsPerSecond();
			System.out.printf("%s run %d: %,.0f jobs/s (first %,d: %,.0f jobs/s, last %,d: %,.0f jobs/s)%n", label,
					run + 1, rates[run], EDGE, drain.firstJobsPerSecond(), EDGE, drain.lastJobsPerSecond());
		}
		return BenchDatabase.median(rates);
	}

	/** Enqueues {@code jobs} jobs in one transaction. */
	private static void fill(BenchDatabase database, int jobs) throws SQLException {
		try (PreparedStatement enqueue = database.connection
			.prepareStatement("SELECT honker_enqueue('bench', ?, NULL, NULL, 0, 3, NULL)")) {
			database.execute("BEGIN IMMEDIATE");
			for (int i = 0; i < jobs; i++) {
				enqueue.setString(1, "{\"order_id\":" + i + "}");
				try (ResultSet ignored = enqueue.executeQuery()) {
					// the job is enqueued while the statement steps
				}
			}
			database.execute("COMMIT");
		}
		database.execute("PRAGMA wal_checkpoint(TRUNCATE)");
	}

	/** Timings of one drain. */
	private record Drain(long totalNanos, long firstEdgeNanos, long lastEdgeNanos) {

		double jobsPerSecond() {
			return BACKLOG * 1e9 / totalNanos;
		}

		double firstJobsPerSecond() {
			return EDGE * 1e9 / firstEdgeNanos;
		}

		double lastJobsPerSecond() {
			return EDGE * 1e9 / lastEdgeNanos;
		}
	}

	/** A worker on the benchmark connection with its statements prepared once. */
	private static final class Worker {

		private final PreparedStatement begin;

		private final PreparedStatement commit;

		private final PreparedStatement claim;

		private final PreparedStatement ack;

		private final PreparedStatement ackBatch;

		Worker(BenchDatabase database) throws SQLException {
			begin = database.connection.prepareStatement("BEGIN IMMEDIATE");
			commit = database.connection.prepareStatement("COMMIT");
			claim = database.connection.prepareStatement("SELECT honker_claim_batch('bench', 'worker-1', ?, 300)");
			ack = database.connection.prepareStatement("SELECT honker_ack(?, 'worker-1')");
			ackBatch = database.connection.prepareStatement("SELECT honker_ack_batch(?, 'worker-1')");
		}

		/**
		 * Claims and acks until the queue is empty; {@code expected} jobs must be
		 * processed.
		 */
		Drain drain(int batch, int expected) throws SQLException {
			long start = System.nanoTime();
			long firstEdge = 0;
			long lastEdgeStart = 0;
			int processed = 0;
			while (true) {
				begin.execute();
				List<Long> ids = claimedIds(batch);
				commit.execute();
				if (ids.isEmpty()) {
					break;
				}
				begin.execute();
				long acked = ids.size() == 1 ? ack(ids.get(0)) : ackBatch(ids);
				commit.execute();
				if (acked != ids.size()) {
					throw new IllegalStateException("acked " + acked + " of " + ids);
				}
				int before = processed;
				processed += ids.size();
				if (before < EDGE && processed >= EDGE) {
					firstEdge = System.nanoTime() - start;
				}
				if (before < expected - EDGE && processed >= expected - EDGE) {
					lastEdgeStart = System.nanoTime();
				}
			}
			long end = System.nanoTime();
			if (processed != expected) {
				throw new IllegalStateException("processed " + processed + " jobs, expected " + expected);
			}
			return new Drain(end - start, firstEdge, end - lastEdgeStart);
		}

		private List<Long> claimedIds(int batch) throws SQLException {
			claim.setInt(1, batch);
			String json;
			try (ResultSet result = claim.executeQuery()) {
				result.next();
				json = result.getString(1);
			}
			List<Long> ids = new ArrayList<>(batch);
			for (int at = json.indexOf("\"id\":"); at >= 0; at = json.indexOf("\"id\":", at + 5)) {
				int end = json.indexOf(',', at);
				ids.add(Long.parseLong(json, at + 5, end, 10));
			}
			return ids;
		}

		private long ack(long id) throws SQLException {
			ack.setLong(1, id);
			return single(ack);
		}

		private long ackBatch(List<Long> ids) throws SQLException {
			StringJoiner json = new StringJoiner(",", "[", "]");
			ids.forEach(id -> json.add(Long.toString(id)));
			ackBatch.setString(1, json.toString());
			return single(ackBatch);
		}

		private static long single(PreparedStatement statement) throws SQLException {
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				return result.getLong(1);
			}
		}

	}

}
