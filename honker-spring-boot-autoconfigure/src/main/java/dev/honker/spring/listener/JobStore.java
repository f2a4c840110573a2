package dev.honker.spring.listener;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConnection;

import org.springframework.jdbc.datasource.DataSourceUtils;

import dev.honker.spring.core.HonkerDialect;
import dev.honker.spring.core.JobTraceContexts;
import dev.honker.spring.core.StatementCache;
import dev.honker.sqlite.ClaimedJobDetails;
import dev.honker.sqlite.SqliteSupport;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * The queue operations of a listener, each through the Honker SQL functions on a
 * connection of the application's DataSource. Writes run in their own transaction, on
 * SQLite a {@code BEGIN IMMEDIATE} one, so they wait for the write lock up front instead
 * of failing to upgrade a read; the one exception is {@link #ackInCurrentTransaction},
 * which joins the caller's Spring transaction. The statements of the claim pass on SQLite
 * are prepared once per physical connection and reused (see {@link StatementCache}).
 */
final class JobStore {

	private static final long LOCK_POLL_NANOS = 200_000;

	private static final String ACK = "SELECT honker_ack(?, ?)";

	private static final String ACK_BATCH = "SELECT honker_ack_batch(?, ?)";

	private static final String CLAIM_BATCH = "SELECT honker_claim_batch(?, ?, ?, ?)";

	private static final String BUSY_TIMEOUT = "PRAGMA busy_timeout";

	private static final String SQLITE_DETAILS = ClaimedJobDetails.select(HonkerDialect.SQLITE.idsOfJsonArray());

	private static final String CLAIMABLE = """
			SELECT CASE WHEN EXISTS (SELECT 1 FROM _honker_live
			                          WHERE queue = ? AND state = 'pending' AND run_at <= %1$s)
			              OR EXISTS (SELECT 1 FROM _honker_live
			                          WHERE queue = ? AND state = 'processing' AND claim_expires_at < %1$s)
			            THEN 1 ELSE 0 END""";

	private static final Map<HonkerDialect, String> CLAIMABLE_BY_DIALECT = new EnumMap<>(
			Map.of(HonkerDialect.SQLITE, CLAIMABLE.formatted(HonkerDialect.SQLITE.now()), HonkerDialect.POSTGRESQL,
					CLAIMABLE.formatted(HonkerDialect.POSTGRESQL.now())));

	private final DataSource dataSource;

	private final @Nullable JobTraceContexts traceContexts;

	/** The claim pass's statements on SQLite. */
	private final StatementCache statements = new StatementCache();

	private volatile @Nullable HonkerDialect dialect;

	JobStore(DataSource dataSource) {
		this(dataSource, null);
	}

	/**
	 * A store that also reads the trace contexts of the jobs it claims, in the claim
	 * transaction, when {@code traceContexts} is not {@code null}.
	 */
	JobStore(DataSource dataSource, @Nullable JobTraceContexts traceContexts) {
		this.dataSource = dataSource;
		this.traceContexts = traceContexts;
	}

	/**
	 * In one transaction: acknowledges finished jobs, then claims up to {@code limit}
	 * jobs. With nothing to acknowledge and no job the claim could take or dead-letter,
	 * it only reads: no write transaction, so the wakes of every commit to the database
	 * (most of them not for this queue) never compete for SQLite's write lock. With
	 * {@code acksMayWait}, the acknowledgements too wait for a claim: with no job to
	 * claim, nothing is written and the result says the acknowledgements wait. That is
	 * the SQLite path; on PostgreSQL the acknowledgements and the claim are one round
	 * trip, written together whatever {@code acksMayWait} says (see
	 * {@link PostgresClaims}).
	 * @return the claimed jobs, and how many of {@code acks} were still held by this
	 * worker
	 */
	ClaimResult ackAndClaim(String queue, String workerId, List<Long> acks, int limit, long visibilitySeconds,
			boolean acksMayWait) throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			if (dialect(connection) == HonkerDialect.POSTGRESQL) {
				if (!connection.getAutoCommit()) {
					connection.setAutoCommit(true);
				}
				PostgresClaims.Claimed claimed = PostgresClaims.ackAndClaim(connection, queue, workerId, acks, limit,
						visibilitySeconds);
				return new ClaimResult(withTraceContexts(connection, claimed.jobs()), claimed.acked(), false);
			}
			if ((acks.isEmpty() || acksMayWait) && (limit <= 0 || !claimable(connection, queue))) {
				return new ClaimResult(List.of(), 0, !acks.isEmpty());
			}
			return immediate(connection, transaction -> {
				long acked = 0;
				if (!acks.isEmpty()) {
					acked = cachedLong(transaction, ACK_BATCH, SqliteSupport.jsonIds(acks), workerId);
				}
				if (limit <= 0) {
					return new ClaimResult(List.of(), acked, false);
				}
				String claimed = this.statements.run(transaction, CLAIM_BATCH, (claim) -> {
					claim.setString(1, queue);
					claim.setString(2, workerId);
					claim.setLong(3, limit);
					claim.setLong(4, visibilitySeconds);
					try (ResultSet row = claim.executeQuery()) {
						row.next();
						return row.getString(1);
					}
				});
				return new ClaimResult(parse(transaction, claimed), acked, false);
			});
		}
	}

	/**
	 * Whether the queue has a pending job whose time has come or an expired claim: a
	 * superset of what {@code honker_claim_batch} claims or dead-letters, read through
	 * the two deadline indexes, in auto-commit mode.
	 */
	private boolean claimable(Connection connection, String queue) throws SQLException {
		if (!connection.getAutoCommit()) {
			connection.setAutoCommit(true);
		}
		return cachedLong(connection, CLAIMABLE_BY_DIALECT.get(dialect(connection)), queue, queue) == 1;
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

	/** Acknowledges a job in a transaction of its own. */
	boolean ack(long id, String workerId) throws SQLException {
		return immediate(connection -> queryLong(connection, ACK, id, workerId)) == 1;
	}

	/**
	 * Acknowledges a job and enqueues its payload on another queue, in one transaction;
	 * nothing happens if the claim is no longer held.
	 */
	boolean moveTo(long id, String workerId, String queue, String payload) throws SQLException {
		return immediate(connection -> {
			if (queryLong(connection, ACK, id, workerId) != 1) {
				return false;
			}
			queryLong(connection, "SELECT honker_enqueue(?, ?, NULL, NULL, 0, 3, NULL)", queue, payload);
			return true;
		});
	}

	/** Acknowledges a job on the connection of the current Spring transaction. */
	boolean ackInCurrentTransaction(long id, String workerId) throws SQLException {
		Connection connection = DataSourceUtils.getConnection(this.dataSource);
		try {
			return queryLong(connection, ACK, id, workerId) == 1;
		}
		finally {
			DataSourceUtils.releaseConnection(connection, this.dataSource);
		}
	}

	/** The jobs of a claim's JSON on SQLite, with their details and trace contexts. */
	private List<ClaimedJob> parse(Connection connection, String claimed) throws SQLException {
		List<ClaimedJob> jobs = readClaimed(claimed);
		if (jobs.isEmpty()) {
			return jobs;
		}
		List<Long> ids = new ArrayList<>(jobs.size());
		jobs.forEach(job -> ids.add(job.id()));
		Map<Long, ClaimedJobDetails> details = this.statements.run(connection, SQLITE_DETAILS,
				(select) -> ClaimedJobDetails.read(select, ids));
		ClaimedJob.addDetails(jobs, details);
		return withTraceContexts(connection, jobs);
	}

	/**
	 * The jobs of {@code honker_claim_batch}'s JSON array, in its order, without their
	 * details (0 until read); read as a stream, without a tree per job.
	 */
	static List<ClaimedJob> readClaimed(String claimed) {
		List<ClaimedJob> jobs = new ArrayList<>();
		try (JsonParser parser = JsonMapper.shared().createParser(claimed)) {
			if (parser.nextToken() != JsonToken.START_ARRAY) {
				throw new IllegalStateException("honker_claim_batch returned no JSON array: " + claimed);
			}
			while (parser.nextToken() == JsonToken.START_OBJECT) {
				jobs.add(readJob(parser));
			}
		}
		return jobs;
	}

	private static ClaimedJob readJob(JsonParser parser) {
		long id = 0;
		long attempts = 0;
		long claimExpiresAt = 0;
		@Nullable String queue = null;
		@Nullable String payload = null;
		@Nullable String workerId = null;
		for (String name = parser.nextName(); name != null; name = parser.nextName()) {
			parser.nextToken();
			switch (name) {
				case "id" -> id = parser.getValueAsLong();
				case "queue" -> queue = parser.getValueAsString();
				case "payload" -> payload = parser.getValueAsString();
				case "worker_id" -> workerId = parser.getValueAsString();
				case "attempts" -> attempts = parser.getValueAsLong();
				case "claim_expires_at" -> claimExpiresAt = parser.getValueAsLong();
				default -> parser.skipChildren();
			}
		}
		if (queue == null || payload == null || workerId == null) {
			throw new IllegalStateException(
					"honker_claim_batch returned job " + id + " without its queue, payload or worker_id");
		}
		return new ClaimedJob(id, queue, payload, workerId, attempts, 0, 0, claimExpiresAt, null);
	}

	/** The jobs with their trace context rows, when this store reads them. */
	private List<ClaimedJob> withTraceContexts(Connection connection, List<ClaimedJob> jobs) throws SQLException {
		if (this.traceContexts == null || jobs.isEmpty()) {
			return jobs;
		}
		Map<Long, JobTraceContexts.Row> traces = this.traceContexts.findAll(connection,
				jobs.stream().map(ClaimedJob::id).toList());
		return jobs.stream().map(job -> job.withTraceContext(traces.get(job.id()))).toList();
	}

	private <T> T immediate(Work<T> work) throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			return immediate(connection, work);
		}
	}

	private <T> T immediate(Connection connection, Work<T> work) throws SQLException {
		if (!connection.getAutoCommit()) {
			connection.setAutoCommit(true);
		}
		HonkerDialect dialect = dialect(connection);
		if (dialect == HonkerDialect.SQLITE) {
			beginImmediate(connection, (int) cachedLong(connection, BUSY_TIMEOUT));
		}
		else {
			execute(connection, dialect.beginWrite());
		}
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

	/** The database's dialect, read from the first connection. */
	private HonkerDialect dialect(Connection connection) throws SQLException {
		HonkerDialect known = this.dialect;
		if (known == null) {
			known = HonkerDialect.of(connection);
			this.dialect = known;
		}
		return known;
	}

	/**
	 * {@code BEGIN IMMEDIATE}, waiting for the write lock with a finer poll than SQLite's
	 * busy handler, whose sleeps grow to 100 ms: a producer that commits hundreds of
	 * times a second keeps taking the lock in the gaps such a sleep misses, and the
	 * worker falls behind. Here the lock is tried every {@link #LOCK_POLL_NANOS} for as
	 * long as the connection's own {@code busy_timeout} allows, then the last
	 * {@code SQLITE_BUSY} is thrown.
	 */
	private static void beginImmediate(Connection connection, int busyTimeoutMillis) throws SQLException {
		SQLiteConnection sqlite = connection.unwrap(SQLiteConnection.class);
		sqlite.setBusyTimeout(0);
		try {
			long deadline = System.nanoTime() + busyTimeoutMillis * 1_000_000L;
			while (true) {
				try {
					execute(connection, "BEGIN IMMEDIATE");
					return;
				}
				catch (SQLException ex) {
					if (!SqliteSupport.isBusyOrLocked(ex) || System.nanoTime() - deadline >= 0) {
						throw ex;
					}
					LockSupport.parkNanos(LOCK_POLL_NANOS);
				}
			}
		}
		finally {
			sqlite.setBusyTimeout(busyTimeoutMillis);
		}
	}

	private static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private static long queryLong(Connection connection, String sql, Object... arguments) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			return singleLong(statement, arguments);
		}
	}

	/** {@link #queryLong}, with the statement reused on the physical connection. */
	private long cachedLong(Connection connection, String sql, Object... arguments) throws SQLException {
		return this.statements.run(connection, sql, (statement) -> singleLong(statement, arguments));
	}

	private static long singleLong(PreparedStatement statement, Object... arguments) throws SQLException {
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

	/**
	 * Claimed jobs, the number of acknowledgements that found their claim still held, and
	 * whether the acknowledgements were not written but wait for a claim.
	 */
	record ClaimResult(List<ClaimedJob> jobs, long acked, boolean acksWaiting) {
	}

	@FunctionalInterface
	private interface Work<T> {

		T run(Connection connection) throws SQLException;

	}

}
