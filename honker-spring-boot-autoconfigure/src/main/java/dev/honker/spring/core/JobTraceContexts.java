package dev.honker.spring.core;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.BooleanSupplier;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.Assert;
import org.jspecify.annotations.Nullable;

import dev.honker.sqlite.SqliteSupport;

/**
 * The trace context of each traced job, kept beside the job in this project's own table
 * {@value #TABLE}, so that the handler's span continues the trace of the request that
 * enqueued it, in another process if need be. Honker's tables and the payload stay as
 * other Honker bindings expect them.
 *
 * <pre>
 * CREATE TABLE honker_spring_job_trace (
 *   job_id      INTEGER PRIMARY KEY,   -- the id of the job in _honker_live
 *   context     TEXT NOT NULL,         -- the propagation entries as a JSON object, e.g. {"traceparent":"00-..."}
 *   enqueued_at INTEGER NOT NULL       -- Unix milliseconds of the enqueue
 * )
 * </pre>
 *
 * {@link HonkerTemplate} writes a row in the transaction of the enqueue, only when the
 * enqueue's observation produced a trace context and the store's sampling condition holds
 * (with Micrometer Tracing: the enqueue's span is sampled), so an enqueue whose trace is
 * not recorded costs no row. A listener reads the rows of the jobs it claims in the claim
 * transaction, in one query per batch. A row is deleted by {@link #deleteEnded(int)} once
 * its job is no longer in {@code _honker_live}: whichever binding acknowledged, cancelled
 * or dead-lettered it.
 */
public class JobTraceContexts {

	/** The table name. */
	public static final String TABLE = "honker_spring_job_trace";

	static final String INSERT = "INSERT INTO " + TABLE + " (job_id, context, enqueued_at) VALUES (?, ?, ?)"
			+ " ON CONFLICT (job_id) DO UPDATE SET context = excluded.context, enqueued_at = excluded.enqueued_at";

	/**
	 * The rows of a range of ids: the read of {@link #findAll} when the jobs' ids are
	 * close together, as a claimed batch's usually are; one seek and a short scan of the
	 * primary key.
	 */
	private static final String FIND_RANGE = "SELECT job_id, context, enqueued_at FROM " + TABLE
			+ " WHERE job_id BETWEEN ? AND ?";

	/**
	 * How many ids per job {@link #findAll} may scan through in a range instead of
	 * looking each job up.
	 */
	private static final int RANGE_PER_JOB = 4;

	/** The rows of the ids of a JSON array, read in the dialect's way. */
	private static final String FIND_ALL = "SELECT job_id, context, enqueued_at FROM " + TABLE
			+ " WHERE job_id IN (%s)";

	/**
	 * The table, its integer type being {@code INTEGER} on SQLite, {@code BIGINT} on
	 * PostgreSQL.
	 */
	private static final String CREATE = "CREATE TABLE IF NOT EXISTS " + TABLE
			+ " (job_id %1$s PRIMARY KEY, context TEXT NOT NULL, enqueued_at %1$s NOT NULL)";

	private static final String ENDED = "SELECT t.job_id FROM " + TABLE + " t WHERE t.job_id > ?"
			+ " AND NOT EXISTS (SELECT 1 FROM _honker_live l WHERE l.id = t.job_id) ORDER BY t.job_id LIMIT ?";

	private static final String DELETE_ENDED = "DELETE FROM " + TABLE
			+ " WHERE job_id IN (%s) AND NOT EXISTS (SELECT 1 FROM _honker_live l WHERE l.id = job_id)";

	/** The batch size of {@link #deleteEndedQuietly()}. */
	public static final int CLEANUP_BATCH_SIZE = 500;

	private static final Log logger = LogFactory.getLog(JobTraceContexts.class);

	private static final TypeReference<Map<String, String>> ENTRIES = new TypeReference<>() {
	};

	private final JdbcTemplate jdbc;

	private final ObjectMapper mapper;

	/**
	 * The reader of the context entries, its deserializer resolved once instead of for
	 * every job of every listener.
	 */
	private final ObjectReader entries;

	private final BooleanSupplier storeCurrentTrace;

	private volatile @Nullable HonkerDialect dialect;

	/** The read of {@link #findAll}, in the dialect of the first connection it ran on. */
	private volatile @Nullable String findAll;

	/**
	 * The statements of {@link #findAll}, prepared once per physical SQLite connection:
	 * it runs in every claim transaction of every listener.
	 */
	private final StatementCache statements = new StatementCache();

	/**
	 * Creates the store on the application's DataSource, storing the context of every
	 * observed enqueue.
	 * @param dataSource the application's SQLite DataSource
	 * @param mapper the JSON mapper for the context entries
	 */
	public JobTraceContexts(DataSource dataSource, ObjectMapper mapper) {
		this(dataSource, mapper, () -> true);
	}

	/**
	 * Creates the store on the application's DataSource, storing the context of an
	 * observed enqueue only when {@code storeCurrentTrace} says so.
	 * @param dataSource the application's SQLite DataSource
	 * @param mapper the JSON mapper for the context entries
	 * @param storeCurrentTrace asked inside the enqueue's observation, in its scope:
	 * whether the current trace is worth a row, for example whether its span is sampled
	 */
	public JobTraceContexts(DataSource dataSource, ObjectMapper mapper, BooleanSupplier storeCurrentTrace) {
		Assert.notNull(dataSource, "dataSource must not be null");
		Assert.notNull(mapper, "mapper must not be null");
		Assert.notNull(storeCurrentTrace, "storeCurrentTrace must not be null");
		this.jdbc = new JdbcTemplate(dataSource);
		this.mapper = mapper;
		this.entries = mapper.readerFor(ENTRIES);
		this.storeCurrentTrace = storeCurrentTrace;
	}

	/** Creates the table if it does not exist. */
	public void createTable() {
		this.jdbc.execute(CREATE.formatted((dialect() == HonkerDialect.POSTGRESQL) ? "BIGINT" : "INTEGER"));
	}

	/**
	 * The stored rows of some jobs, read on the caller's connection (for example in the
	 * transaction that claimed them); the contexts are parsed later, with
	 * {@link #parse(Row)}, by whoever needs them. Ids close together (a claimed batch's,
	 * usually) are read with one scan of their range of the primary key, others by a
	 * lookup of each id; either statement is prepared once per physical SQLite
	 * connection.
	 * @param connection the connection to read on
	 * @param jobIds the job ids
	 * @return the rows by job id; jobs without a row are absent
	 * @throws SQLException if the read fails
	 */
	public Map<Long, Row> findAll(Connection connection, Collection<Long> jobIds) throws SQLException {
		Assert.notNull(connection, "connection must not be null");
		Assert.notNull(jobIds, "jobIds must not be null");
		if (jobIds.isEmpty()) {
			return Map.of();
		}
		long lowest = Long.MAX_VALUE;
		long highest = Long.MIN_VALUE;
		for (long id : jobIds) {
			lowest = Math.min(lowest, id);
			highest = Math.max(highest, id);
		}
		if (highest - lowest < (long) RANGE_PER_JOB * jobIds.size()) {
			return findInRange(connection, jobIds, lowest, highest);
		}
		String sql = this.findAll;
		if (sql == null) {
			HonkerDialect known = HonkerDialect.of(connection);
			this.dialect = known;
			sql = FIND_ALL.formatted(known.idsOfJsonArray());
			this.findAll = sql;
		}
		String ids = SqliteSupport.jsonIds(jobIds);
		return this.statements.run(connection, sql, (statement) -> {
			statement.setString(1, ids);
			Map<Long, Row> rows = new HashMap<>();
			try (ResultSet result = statement.executeQuery()) {
				while (result.next()) {
					rows.put(result.getLong(1), new Row(result.getString(2), result.getLong(3)));
				}
			}
			return rows;
		});
	}

	/**
	 * The rows of the jobs whose ids lie between {@code lowest} and {@code highest}, a
	 * range at most {@link #RANGE_PER_JOB} times as wide as there are jobs: one range
	 * read, keeping the rows of these jobs only.
	 */
	private Map<Long, Row> findInRange(Connection connection, Collection<Long> jobIds, long lowest, long highest)
			throws SQLException {
		boolean[] wanted = new boolean[(int) (highest - lowest + 1)];
		for (long id : jobIds) {
			wanted[(int) (id - lowest)] = true;
		}
		return this.statements.run(connection, FIND_RANGE, (statement) -> {
			statement.setLong(1, lowest);
			statement.setLong(2, highest);
			Map<Long, Row> rows = new HashMap<>();
			try (ResultSet result = statement.executeQuery()) {
				while (result.next()) {
					long id = result.getLong(1);
					if (wanted[(int) (id - lowest)]) {
						rows.put(id, new Row(result.getString(2), result.getLong(3)));
					}
				}
			}
			return rows;
		});
	}

	/**
	 * Parses a row read by {@link #findAll}.
	 * @param row the row
	 * @return its context
	 */
	public StoredContext parse(Row row) {
		Assert.notNull(row, "row must not be null");
		return new StoredContext(this.entries.readValue(row.context()), Instant.ofEpochMilli(row.enqueuedAt()));
	}

	/**
	 * Deletes the rows of jobs that are no longer live, in batches of {@code batchSize},
	 * each batch in a short write of its own after a read that takes no write lock.
	 * @param batchSize rows per delete
	 * @return how many rows were deleted
	 */
	public int deleteEnded(int batchSize) {
		Assert.isTrue(batchSize > 0, () -> "batchSize must be positive, got " + batchSize);
		int deleted = 0;
		long after = 0;
		while (true) {
			List<Long> ids = this.jdbc.queryForList(ENDED, Long.class, after, batchSize);
			if (ids.isEmpty()) {
				return deleted;
			}
			StringJoiner json = new StringJoiner(",", "[", "]");
			ids.forEach(id -> json.add(Long.toString(id)));
			deleted += this.jdbc.update(DELETE_ENDED.formatted(dialect().idsOfJsonArray()), json.toString());
			after = ids.get(ids.size() - 1);
		}
	}

	/**
	 * {@link #deleteEnded(int)} in batches of {@value #CLEANUP_BATCH_SIZE}, logging a
	 * failure instead of throwing it; for periodic cleanup.
	 */
	public void deleteEndedQuietly() {
		try {
			int deleted = deleteEnded(CLEANUP_BATCH_SIZE);
			if (logger.isDebugEnabled()) {
				logger.debug("deleted " + deleted + " trace contexts of ended jobs");
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Honker: deleting the trace contexts of ended jobs failed; trying again later", ex);
		}
	}

	private HonkerDialect dialect() {
		HonkerDialect known = this.dialect;
		if (known == null) {
			known = this.jdbc.execute((Connection connection) -> HonkerDialect.of(connection));
			this.dialect = known;
		}
		return known;
	}

	String write(Map<String, String> entries) {
		return this.mapper.writeValueAsString(entries);
	}

	/** Whether the trace of the enqueue observed now gets a row. */
	boolean storesCurrentTrace() {
		return this.storeCurrentTrace.getAsBoolean();
	}

	/**
	 * A stored row as read, its context still JSON.
	 *
	 * @param context the propagation entries as a JSON object
	 * @param enqueuedAt Unix milliseconds of the enqueue
	 */
	public record Row(String context, long enqueuedAt) {

	}

	/**
	 * A job's stored trace context.
	 *
	 * @param entries the propagation entries, for example {@code traceparent}
	 * @param enqueuedAt when the job was enqueued, to the millisecond
	 */
	public record StoredContext(Map<String, String> entries, Instant enqueuedAt) {

		public StoredContext {
			entries = Map.copyOf(entries);
		}

	}

}
