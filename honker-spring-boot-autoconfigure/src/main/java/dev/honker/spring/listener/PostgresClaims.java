package dev.honker.spring.listener;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.honker.spring.core.HonkerDialect;
import dev.honker.sqlite.ClaimedJobDetails;
import dev.honker.sqlite.SqliteSupport;

/**
 * A listener's acknowledge-and-claim pass on PostgreSQL, in one round trip: the
 * acknowledgements and the claim go to the server as one pipeline (pgjdbc sends the
 * statements of one {@code PreparedStatement} with a single {@code Sync}), which
 * PostgreSQL runs as one implicit transaction, committed at the {@code Sync} or rolled
 * back whole if a statement fails. The claim's JSON is turned into rows by the server,
 * joined with each job's {@code max_attempts} and {@code run_at}, so no second query
 * reads them.
 *
 * <p>
 * There is no "anything to claim?" read first, as on SQLite: a claim that finds nothing
 * locks and writes nothing, and costs the same one round trip as that read.
 */
final class PostgresClaims {

	private static final String ACK = "SELECT honker_ack_batch(?, ?)";

	/**
	 * The claim, as rows in claim order with each job's details. The details come from
	 * the statement's snapshot, taken before the claim, where the job is still pending
	 * with the same {@code max_attempts} and {@code run_at}; a job committed after that
	 * snapshot but before the claim's own has none, and they are read afterwards.
	 */
	private static final String CLAIM = """
			SELECT j.id, j.queue, j.payload, j.worker_id, j.attempts, j.claim_expires_at, d.max_attempts, d.run_at
			FROM ROWS FROM (json_to_recordset(CAST(honker_claim_batch(?, ?, ?, ?) AS json))
			       AS (id bigint, queue text, payload text, worker_id text, attempts bigint, claim_expires_at bigint))
			     WITH ORDINALITY AS j (id, queue, payload, worker_id, attempts, claim_expires_at, position)
			LEFT JOIN LATERAL (SELECT l.max_attempts, l.run_at FROM _honker_live l WHERE l.id = j.id) d ON true
			ORDER BY j.position""";

	private static final String ACK_AND_CLAIM = ACK + ";\n" + CLAIM;

	private PostgresClaims() {
	}

	/**
	 * Acknowledges {@code acks} and claims up to {@code limit} jobs, in one transaction
	 * and one round trip, on a connection in auto-commit mode.
	 */
	static Claimed ackAndClaim(Connection connection, String queue, String workerId, List<Long> acks, int limit,
			long visibilitySeconds) throws SQLException {
		if (limit <= 0) {
			try (PreparedStatement ack = connection.prepareStatement(ACK)) {
				ack.setString(1, SqliteSupport.jsonIds(acks));
				ack.setString(2, workerId);
				return new Claimed(List.of(), acked(ack.executeQuery()));
			}
		}
		try (PreparedStatement statement = connection.prepareStatement(acks.isEmpty() ? CLAIM : ACK_AND_CLAIM)) {
			int index = 1;
			if (!acks.isEmpty()) {
				statement.setString(index++, SqliteSupport.jsonIds(acks));
				statement.setString(index++, workerId);
			}
			statement.setString(index++, queue);
			statement.setString(index++, workerId);
			statement.setLong(index++, limit);
			statement.setLong(index, visibilitySeconds);
			statement.execute();
			long acked = 0;
			if (!acks.isEmpty()) {
				acked = acked(statement.getResultSet());
				statement.getMoreResults();
			}
			try (ResultSet rows = statement.getResultSet()) {
				return new Claimed(jobs(connection, rows), acked);
			}
		}
	}

	private static long acked(ResultSet result) throws SQLException {
		try (result) {
			result.next();
			return result.getLong(1);
		}
	}

	private static List<ClaimedJob> jobs(Connection connection, ResultSet rows) throws SQLException {
		List<ClaimedJob> jobs = new ArrayList<>();
		List<Long> withoutDetails = new ArrayList<>();
		while (rows.next()) {
			long maxAttempts = rows.getLong(7);
			if (rows.wasNull()) {
				withoutDetails.add(rows.getLong(1));
			}
			jobs.add(new ClaimedJob(rows.getLong(1), rows.getString(2), rows.getString(3), rows.getString(4),
					rows.getLong(5), maxAttempts, rows.getLong(8), rows.getLong(6), null));
		}
		if (withoutDetails.isEmpty()) {
			return jobs;
		}
		Map<Long, ClaimedJobDetails> details = ClaimedJobDetails.of(connection, withoutDetails,
				HonkerDialect.POSTGRESQL.idsOfJsonArray());
		ClaimedJob.addDetails(jobs, details);
		return jobs;
	}

	/** The claimed jobs, and how many acknowledgements found their claim still held. */
	record Claimed(List<ClaimedJob> jobs, long acked) {
	}

}
