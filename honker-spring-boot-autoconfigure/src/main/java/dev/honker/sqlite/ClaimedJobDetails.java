package dev.honker.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * What Honker 0.4's {@code honker_claim_batch} JSON leaves out about the jobs it claimed,
 * read from {@code _honker_live} next to the schema that defines it: each job's
 * {@code max_attempts} and {@code run_at}.
 *
 * @param maxAttempts the attempts the job is allowed
 * @param runAt when the job became due, in Unix seconds
 */
public record ClaimedJobDetails(long maxAttempts, long runAt) {

	private static final String SELECT = "SELECT id, max_attempts, run_at FROM _honker_live WHERE id IN (%s)";

	private static final String SQLITE_IDS = "SELECT value FROM json_each(?)";

	/**
	 * Reads the details of claimed jobs, on the connection (and in the transaction) that
	 * claimed them.
	 * @param connection a connection to the Honker database
	 * @param ids the claimed job ids
	 * @return the details by job id; a job no longer live is missing
	 * @throws SQLException if the query fails
	 */
	public static Map<Long, ClaimedJobDetails> of(Connection connection, Collection<Long> ids) throws SQLException {
		return of(connection, ids, SQLITE_IDS);
	}

	/**
	 * Reads the details of claimed jobs, on a database whose SQL reads the ids of a JSON
	 * array in another way than SQLite's {@code json_each}.
	 * @param connection a connection to the Honker database
	 * @param ids the claimed job ids
	 * @param idsOfJsonArray a subquery of the integers of the JSON array bound to its
	 * single {@code ?}
	 * @return the details by job id; a job no longer live is missing
	 * @throws SQLException if the query fails
	 */
	public static Map<Long, ClaimedJobDetails> of(Connection connection, Collection<Long> ids, String idsOfJsonArray)
			throws SQLException {
		try (PreparedStatement select = connection.prepareStatement(select(idsOfJsonArray))) {
			return read(select, ids);
		}
	}

	/**
	 * The query that {@link #read} runs, for a caller that prepares it once and reuses
	 * it.
	 * @param idsOfJsonArray a subquery of the integers of the JSON array bound to its
	 * single {@code ?}, such as SQLite's {@code SELECT value FROM json_each(?)}
	 * @return the SQL of the query
	 */
	public static String select(String idsOfJsonArray) {
		return SELECT.formatted(idsOfJsonArray);
	}

	/**
	 * Reads the details of claimed jobs with a statement prepared from {@link #select}.
	 * @param select the prepared query, left open
	 * @param ids the claimed job ids
	 * @return the details by job id; a job no longer live is missing
	 * @throws SQLException if the query fails
	 */
	public static Map<Long, ClaimedJobDetails> read(PreparedStatement select, Collection<Long> ids)
			throws SQLException {
		Map<Long, ClaimedJobDetails> details = new HashMap<>();
		select.setString(1, SqliteSupport.jsonIds(ids));
		try (ResultSet rows = select.executeQuery()) {
			while (rows.next()) {
				details.put(rows.getLong(1), new ClaimedJobDetails(rows.getLong(2), rows.getLong(3)));
			}
		}
		return details;
	}

}
