package dev.honker.spring.listener;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DataSourceUtils;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The queue operations of a listener, each through the Honker SQL functions on a
 * connection of the application's DataSource. Writes run in their own
 * {@code BEGIN IMMEDIATE} transaction, so they wait for the write lock up front instead
 * of failing to upgrade a read; the one exception is {@link #ackInCurrentTransaction},
 * which joins the caller's Spring transaction.
 */
final class JobStore {

	private final DataSource dataSource;

	private final ObjectMapper mapper;

	JobStore(DataSource dataSource, ObjectMapper mapper) {
		this.dataSource = dataSource;
		this.mapper = mapper;
	}

	/**
	 * In one transaction: acknowledges finished jobs, then claims up to {@code limit}
	 * jobs.
	 * @return the claimed jobs, and how many of {@code acks} were still held by this
	 * worker
	 */
	ClaimResult ackAndClaim(String queue, String workerId, List<Long> acks, int limit, long visibilitySeconds)
			throws SQLException {
		return immediate(connection -> {
			long acked = 0;
			if (!acks.isEmpty()) {
				acked = queryLong(connection, "SELECT honker_ack_batch(?, ?)", jsonIds(acks), workerId);
			}
			if (limit <= 0) {
				return new ClaimResult(List.of(), acked);
			}
			String claimed;
			try (PreparedStatement claim = connection.prepareStatement("SELECT honker_claim_batch(?, ?, ?, ?)")) {
				claim.setString(1, queue);
				claim.setString(2, workerId);
				claim.setLong(3, limit);
				claim.setLong(4, visibilitySeconds);
				try (ResultSet row = claim.executeQuery()) {
					row.next();
					claimed = row.getString(1);
				}
			}
			return new ClaimResult(parse(connection, claimed), acked);
		});
	}

	/**
	 * The earliest future second at which a claim on the queue could succeed, or 0 if
	 * none is known.
	 */
	long nextClaimAt(String queue) throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			return queryLong(connection, "SELECT honker_queue_next_claim_at(?)", queue);
		}
	}

	/**
	 * Puts a failed job back after {@code delaySeconds}, or dead-letters it when its
	 * attempts are used up.
	 */
	boolean retry(long id, String workerId, long delaySeconds, String error) throws SQLException {
		return immediate(connection -> queryLong(connection, "SELECT honker_retry(?, ?, ?, ?)", id, workerId,
				delaySeconds, error)) == 1;
	}

	/** Moves a job to the dead table at once. */
	boolean fail(long id, String workerId, String error) throws SQLException {
		return immediate(connection -> queryLong(connection, "SELECT honker_fail(?, ?, ?)", id, workerId, error)) == 1;
	}

	/** Extends a still valid claim to {@code extendSeconds} from now. */
	boolean heartbeat(long id, String workerId, long extendSeconds) throws SQLException {
		return immediate(connection -> queryLong(connection, "SELECT honker_heartbeat(?, ?, ?)", id, workerId,
				extendSeconds)) == 1;
	}

	/** Acknowledges a job on the connection of the current Spring transaction. */
	boolean ackInCurrentTransaction(long id, String workerId) throws SQLException {
		Connection connection = DataSourceUtils.getConnection(this.dataSource);
		try {
			return queryLong(connection, "SELECT honker_ack(?, ?)", id, workerId) == 1;
		}
		finally {
			DataSourceUtils.releaseConnection(connection, this.dataSource);
		}
	}

	private List<ClaimedJob> parse(Connection connection, String claimed) throws SQLException {
		JsonNode array = this.mapper.readTree(claimed);
		if (array.isEmpty()) {
			return List.of();
		}
		List<Long> ids = new ArrayList<>(array.size());
		array.forEach(job -> ids.add(job.get("id").asLong()));
		Map<Long, Long> maxAttempts = new HashMap<>();
		try (PreparedStatement select = connection.prepareStatement(
				"SELECT id, max_attempts FROM _honker_live WHERE id IN (SELECT value FROM json_each(?))")) {
			select.setString(1, jsonIds(ids));
			try (ResultSet rows = select.executeQuery()) {
				while (rows.next()) {
					maxAttempts.put(rows.getLong(1), rows.getLong(2));
				}
			}
		}
		List<ClaimedJob> jobs = new ArrayList<>(ids.size());
		for (JsonNode job : array) {
			long id = job.get("id").asLong();
			jobs.add(new ClaimedJob(id, job.get("queue").asString(), job.get("payload").asString(),
					job.get("worker_id").asString(), job.get("attempts").asLong(), maxAttempts.getOrDefault(id, 0L),
					job.get("claim_expires_at").asLong()));
		}
		return jobs;
	}

	private <T> T immediate(Work<T> work) throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			if (!connection.getAutoCommit()) {
				connection.setAutoCommit(true);
			}
			execute(connection, "BEGIN IMMEDIATE");
			T result;
			try {
				result = work.run(connection);
				execute(connection, "COMMIT");
			}
			catch (SQLException | RuntimeException ex) {
				try {
					execute(connection, "ROLLBACK");
				}
				catch (SQLException rollback) {
					ex.addSuppressed(rollback);
				}
				throw ex;
			}
			return result;
		}
	}

	private static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private static long queryLong(Connection connection, String sql, Object... arguments) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			for (int i = 0; i < arguments.length; i++) {
				Object argument = arguments[i];
				if (argument instanceof Long number) {
					statement.setLong(i + 1, number);
				}
				else {
					statement.setString(i + 1, (String) argument);
				}
			}
			try (ResultSet row = statement.executeQuery()) {
				row.next();
				return row.getLong(1);
			}
		}
	}

	private static String jsonIds(List<Long> ids) {
		StringJoiner joiner = new StringJoiner(",", "[", "]");
		ids.forEach(id -> joiner.add(Long.toString(id)));
		return joiner.toString();
	}

	/**
	 * Claimed jobs, and the number of acknowledgements that found their claim still held.
	 */
	record ClaimResult(List<ClaimedJob> jobs, long acked) {
	}

	@FunctionalInterface
	private interface Work<T> {

		T run(Connection connection) throws SQLException;

	}

}
