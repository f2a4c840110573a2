package dev.honker.spring.core;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Collection;
import java.util.Optional;
import java.util.StringJoiner;

import javax.sql.DataSource;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import tools.jackson.databind.ObjectMapper;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.PreparedStatementCallback;
import org.springframework.jdbc.core.PreparedStatementSetter;
import org.springframework.jdbc.core.ResultSetExtractor;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.support.SQLExceptionTranslator;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;
import org.jspecify.annotations.Nullable;

import dev.honker.spring.observation.DefaultHonkerEnqueueObservationConvention;
import dev.honker.spring.observation.HonkerEnqueueContext;
import dev.honker.spring.observation.HonkerEnqueueObservationConvention;
import dev.honker.spring.observation.HonkerObservation;

/**
 * Enqueues jobs, sends notifications, publishes to and reads streams, and uses locks,
 * rate limits and job results through the Honker SQL functions of the application's
 * SQLite {@link DataSource}.
 *
 * <h2>Transactions</h2> Every call runs on the connection bound to the current Spring
 * transaction, whichever transaction manager bound it
 * ({@code DataSourceTransactionManager}, {@code JpaTransactionManager} or any other that
 * exposes its JDBC connection). So a job enqueued in a {@code @Transactional} method
 * commits with the method's own writes, and disappears with them on rollback. The
 * template never commits or rolls back by itself.
 *
 * <p>
 * Outside a transaction, each call takes a connection in auto-commit mode and so commits
 * on its own, immediately. Under write contention such a call can fail with a busy error,
 * because SQLite starts it as a read and must upgrade it to a write; prefer calling the
 * template inside a transaction, ideally one that begins with {@code BEGIN IMMEDIATE}
 * (sqlite-jdbc's {@code transaction_mode=IMMEDIATE}).
 *
 * <p>
 * Each call runs a {@code SELECT honker_...(?)} statement that is prepared once per
 * physical connection and reused by later calls on that connection. Enqueues are the
 * exception: they run the {@code INSERT ... RETURNING id} that {@code honker_enqueue}
 * runs (same columns, defaults and times; see {@link JobRows}), which saves the function
 * call, and which inserts many jobs in one statement for {@link #enqueueAll}; so does
 * {@link #publish}, with the {@code INSERT ... RETURNING offset} of
 * {@code honker_stream_publish}.
 *
 * <h2>Payloads</h2> Payloads and results are written as JSON with the application's
 * Jackson mapper. A {@code String} payload is stored as a JSON string ({@code "hello"}
 * becomes {@code "\"hello\""}), as the Python binding does; use
 * {@link #enqueueJson(String, String)} to store JSON text you already have.
 *
 * <h2>Errors</h2> Invalid arguments fail with {@link IllegalArgumentException} before
 * anything reaches SQLite. A payload Jackson cannot write fails with
 * {@link HonkerPayloadException}. An error inside a Honker function becomes a
 * {@link HonkerFunctionException} naming the function; it leaves the transaction as it
 * was. All are Spring {@code DataAccessException}s or plain runtime exceptions, so they
 * roll back a {@code @Transactional} method by default.
 */
public class HonkerTemplate implements HonkerOperations {

	/**
	 * The {@code INSERT} that {@code honker_stream_publish} runs (Honker 0.4, "Streams"):
	 * the same columns, {@code created_at} and {@code offset} from the schema's defaults.
	 */
	private static final String PUBLISH = "INSERT INTO _honker_stream (topic, key, payload) VALUES (?, ?, ?)"
			+ " RETURNING \"offset\"";

	/**
	 * Publishing where the function must run itself: on PostgreSQL it also signals the
	 * listeners with {@code pg_notify}.
	 */
	private static final String PUBLISH_FUNCTION = "SELECT honker_stream_publish(?, ?, ?)";

	private static final String NOTIFICATIONS_SINCE = "SELECT id, channel, payload, created_at FROM _honker_notifications"
			+ " WHERE channel = ? AND id > ? ORDER BY id LIMIT ?";

	private final DataSource dataSource;

	private final SQLExceptionTranslator exceptionTranslator;

	private final StatementCache statements = new StatementCache();

	private final PayloadCodec codec;

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private @Nullable HonkerEnqueueObservationConvention observationConvention;

	private @Nullable JobTraceContexts traceContexts;

	private @Nullable TransactionTemplate traceTransaction;

	private volatile @Nullable HonkerDialect dialect;

	/**
	 * Creates a template on a DataSource whose connections have the Honker functions.
	 * @param dataSource the application's SQLite DataSource
	 * @param objectMapper the Jackson mapper for payloads and results
	 */
	public HonkerTemplate(DataSource dataSource, ObjectMapper objectMapper) {
		Assert.notNull(dataSource, "dataSource must not be null");
		Assert.notNull(objectMapper, "objectMapper must not be null");
		this.dataSource = dataSource;
		this.exceptionTranslator = new HonkerExceptionTranslator(new JdbcTemplate(dataSource).getExceptionTranslator());
		this.codec = new PayloadCodec(objectMapper);
	}

	@Override
	public long enqueue(String queue, Object payload) {
		return enqueue(queue, payload, JobOptions.defaults());
	}

	@Override
	public long enqueue(String queue, Object payload, JobOptions options) {
		requireName("queue", queue);
		Assert.notNull(options, "options must not be null");
		return insertJobs(queue, new String[] { this.codec.write("payload", payload) }, options)[0];
	}

	@Override
	public long[] enqueueAll(String queue, Collection<?> payloads) {
		return enqueueAll(queue, payloads, JobOptions.defaults());
	}

	@Override
	public long[] enqueueAll(String queue, Collection<?> payloads, JobOptions options) {
		requireName("queue", queue);
		Assert.notNull(payloads, "payloads must not be null");
		Assert.notNull(options, "options must not be null");
		return insertJobs(queue, this.codec.writeAll("payloads", payloads), options);
	}

	@Override
	public long enqueueJson(String queue, String json) {
		return enqueueJson(queue, json, JobOptions.defaults());
	}

	@Override
	public long enqueueJson(String queue, String json, JobOptions options) {
		requireName("queue", queue);
		Assert.notNull(options, "options must not be null");
		return insertJobs(queue, new String[] { this.codec.validJson("json", json) }, options)[0];
	}

	/**
	 * Observes each enqueue as {@code honker.enqueue} in this registry; the default is
	 * {@link ObservationRegistry#NOOP}, which costs nothing.
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		Assert.notNull(observationRegistry, "observationRegistry must not be null");
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Replaces the default convention of the {@code honker.enqueue} observation.
	 * @param observationConvention the convention, or {@code null} for the default
	 */
	public void setObservationConvention(@Nullable HonkerEnqueueObservationConvention observationConvention) {
		this.observationConvention = observationConvention;
	}

	/**
	 * Stores the trace context of each observed enqueue beside the job, in the same
	 * transaction (a transaction of its own when the call runs outside one).
	 * @param traceContexts the store whose table exists, or {@code null} to store nothing
	 */
	public void setTraceContexts(@Nullable JobTraceContexts traceContexts) {
		this.traceContexts = traceContexts;
		this.traceTransaction = (traceContexts != null)
				? new TransactionTemplate(new DataSourceTransactionManager(this.dataSource)) : null;
	}

	private long[] insertJobs(String queue, String[] payloads, JobOptions options) {
		if (this.observationRegistry.isNoop()) {
			return insertRows(queue, payloads, options);
		}
		HonkerEnqueueContext context = new HonkerEnqueueContext(queue);
		Observation observation = HonkerObservation.ENQUEUE
			.observation(this.observationConvention, DefaultHonkerEnqueueObservationConvention.INSTANCE, () -> context,
					this.observationRegistry)
			.start();
		// Stopped while still in scope, as Observation.observe would not: a tracing-aware
		// meter handler then finds the enqueue's span current and opens no second scope
		// (nor copies the log correlation entries again) for every enqueue.
		Observation.Scope scope = observation.openScope();
		try {
			long[] ids = insertRowsObserved(queue, payloads, options, context);
			context.setJobIds(ids);
			return ids;
		}
		catch (RuntimeException | Error ex) {
			observation.error(ex);
			throw ex;
		}
		finally {
			try {
				observation.stop();
			}
			finally {
				scope.close();
			}
		}
	}

	/**
	 * Inserts the jobs, and their trace context beside them when the enqueue's
	 * observation produced one that the store keeps.
	 */
	private long[] insertRowsObserved(String queue, String[] payloads, JobOptions options,
			HonkerEnqueueContext context) {
		JobTraceContexts contexts = this.traceContexts;
		if (contexts == null || context.getCarrier().isEmpty() || !contexts.storesCurrentTrace()) {
			return insertRows(queue, payloads, options);
		}
		if (TransactionSynchronizationManager.isActualTransactionActive()) {
			return insertRowsAndTraceContext(queue, payloads, options, context.getCarrier());
		}
		return this.traceTransaction
			.execute(status -> insertRowsAndTraceContext(queue, payloads, options, context.getCarrier()));
	}

	private long[] insertRowsAndTraceContext(String queue, String[] payloads, JobOptions options,
			Map<String, String> carrier) {
		long[] ids = insertRows(queue, payloads, options);
		String entries = this.traceContexts.write(carrier);
		long now = System.currentTimeMillis();
		for (long id : ids) {
			update(JobTraceContexts.INSERT, statement -> {
				statement.setLong(1, id);
				statement.setString(2, entries);
				statement.setLong(3, now);
			});
		}
		return ids;
	}

	private long[] insertRows(String queue, String[] payloads, JobOptions options) {
		long[] ids = new long[payloads.length];
		if (dialect() == HonkerDialect.POSTGRESQL) {
			for (int job = 0; job < payloads.length; job++) {
				Long id = call(JobRows.FUNCTION, JobRows.FUNCTION_SQL,
						JobRows.functionArguments(queue, payloads[job], options),
						row -> row.next() ? row.getLong(1) : null);
				ids[job] = (id != null) ? id : 0;
			}
			return ids;
		}
		for (int from = 0; from < payloads.length;) {
			int rows = JobRows.rowsPerStatement(payloads.length - from);
			call(JobRows.FUNCTION, JobRows.sql(rows), JobRows.arguments(queue, payloads, from, rows, options),
					JobRows.ids(ids, from, rows));
			from += rows;
		}
		return ids;
	}

	@Override
	public long notify(String channel, Object payload) {
		requireName("channel", channel);
		String json = this.codec.write("payload", payload);
		return callLong("SELECT notify(?, ?)", statement -> {
			statement.setString(1, channel);
			statement.setString(2, json);
		});
	}

	/**
	 * The id of the latest notification of any channel.
	 * @return the id, or {@code 0} when there is none
	 */
	public long lastNotificationId() {
		return callLong("SELECT COALESCE(MAX(id), 0) FROM _honker_notifications", statement -> {
		});
	}

	/**
	 * The id of the latest notification of a channel: a listener that starts now receives
	 * the notifications after it.
	 * @param channel the channel name
	 * @return the id, or {@code 0} when the channel has none
	 */
	public long lastNotificationId(String channel) {
		requireName("channel", channel);
		return callLong("SELECT COALESCE(MAX(id), 0) FROM _honker_notifications WHERE channel = ?",
				statement -> statement.setString(1, channel));
	}

	/**
	 * Reads the notifications of a channel after an id, oldest first: what a listener
	 * reads after each wake.
	 * @param channel the channel name
	 * @param afterId the id to read after, usually the last one seen
	 * @param limit the most notifications to return, at least one
	 * @return the notifications, in id order
	 */
	public List<Notification> notificationsSince(String channel, long afterId, int limit) {
		requireName("channel", channel);
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be at least 1, got " + limit);
		}
		return call(NOTIFICATIONS_SINCE, statement -> {
			statement.setString(1, channel);
			statement.setLong(2, afterId);
			statement.setLong(3, limit);
		}, rows -> {
			List<Notification> notifications = new ArrayList<>();
			while (rows.next()) {
				notifications.add(new Notification(rows.getLong(1), rows.getString(2), rows.getString(3),
						Instant.ofEpochSecond(rows.getLong(4))));
			}
			return notifications;
		});
	}

	@Override
	public long publish(String topic, @Nullable String key, @Nullable Object payload) {
		requireName("topic", topic);
		String json = this.codec.write("payload", payload);
		String sql = (dialect() == HonkerDialect.SQLITE) ? PUBLISH : PUBLISH_FUNCTION;
		Long offset = call("honker_stream_publish", sql, statement -> {
			statement.setString(1, topic);
			statement.setString(2, key);
			statement.setString(3, json);
		}, row -> row.next() ? row.getLong(1) : null);
		if (offset == null) {
			throw new IllegalStateException(sql + " returned no row");
		}
		return offset;
	}

	/**
	 * The offset of the latest event of a topic: a consumer that starts there receives
	 * only the events published after it.
	 * @param topic the topic
	 * @return the offset, or {@code 0} when the topic has no event
	 */
	public long lastOffset(String topic) {
		requireName("topic", topic);
		return callLong("SELECT COALESCE(MAX(\"offset\"), 0) FROM _honker_stream WHERE topic = ?",
				statement -> statement.setString(1, topic));
	}

	@Override
	public List<StreamEvent> readSince(String topic, long offset, int limit) {
		requireName("topic", topic);
		if (offset < 0) {
			throw new IllegalArgumentException("offset must not be negative, got " + offset);
		}
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be at least 1, got " + limit);
		}
		String json = callText("SELECT honker_stream_read_since(?, ?, ?)", statement -> {
			statement.setString(1, topic);
			statement.setLong(2, offset);
			statement.setLong(3, limit);
		});
		return this.codec.readEvents(json);
	}

	@Override
	public long offset(String consumer, String topic) {
		requireName("consumer", consumer);
		requireName("topic", topic);
		return callLong("SELECT honker_stream_get_offset(?, ?)", statement -> {
			statement.setString(1, consumer);
			statement.setString(2, topic);
		});
	}

	@Override
	public boolean saveOffset(String consumer, String topic, long offset) {
		requireName("consumer", consumer);
		requireName("topic", topic);
		if (offset < 0) {
			throw new IllegalArgumentException("offset must not be negative, got " + offset);
		}
		return callLong("SELECT honker_stream_save_offset(?, ?, ?)", statement -> {
			statement.setString(1, consumer);
			statement.setString(2, topic);
			statement.setLong(3, offset);
		}) == 1;
	}

	/**
	 * Deletes old notifications, across all channels, in one statement, as the other
	 * Honker bindings' {@code prune_notifications} does. A listener that was not running
	 * when a notification was pruned never sees it; notifications are ephemeral.
	 * @param olderThan deletes notifications created longer ago than this (whole
	 * seconds), or {@code null} for no age limit
	 * @param maxKeep keeps at most this many of the latest notifications, or {@code null}
	 * for no count limit
	 * @return the number of notifications deleted; {@code 0} without any limit
	 */
	public long pruneNotifications(@Nullable Duration olderThan, @Nullable Long maxKeep) {
		if (maxKeep != null && maxKeep < 0) {
			throw new IllegalArgumentException("maxKeep must not be negative, got " + maxKeep);
		}
		Long seconds = (olderThan != null) ? Seconds.notNegative("olderThan", olderThan) : null;
		if (seconds == null && maxKeep == null) {
			return 0;
		}
		return update(pruneSql(dialect(), seconds != null, maxKeep != null), statement -> {
			int index = 1;
			if (seconds != null) {
				statement.setLong(index++, seconds);
			}
			if (maxKeep != null) {
				statement.setLong(index, maxKeep);
			}
		});
	}

	@Override
	public boolean cancel(long jobId) {
		return callLong("SELECT honker_cancel(?)", statement -> statement.setLong(1, jobId)) == 1;
	}

	@Override
	public Optional<Job> job(long jobId) {
		String json = callText("SELECT honker_get_job(?)", statement -> statement.setLong(1, jobId));
		return (json == null || json.isEmpty()) ? Optional.empty() : Optional.of(this.codec.readJob(json));
	}

	@Override
	public boolean tryLock(String name, String owner, Duration ttl) {
		return lockCall("SELECT honker_lock_acquire(?, ?, ?)", name, owner, ttl);
	}

	@Override
	public boolean renewLock(String name, String owner, Duration ttl) {
		return lockCall("SELECT honker_lock_renew(?, ?, ?)", name, owner, ttl);
	}

	private boolean lockCall(String sql, String name, String owner, Duration ttl) {
		requireName("name", name);
		requireName("owner", owner);
		long seconds = Seconds.positive("ttl", ttl);
		return callLong(sql, statement -> {
			statement.setString(1, name);
			statement.setString(2, owner);
			statement.setLong(3, seconds);
		}) == 1;
	}

	@Override
	public boolean unlock(String name, String owner) {
		requireName("name", name);
		requireName("owner", owner);
		return callLong("SELECT honker_lock_release(?, ?)", statement -> {
			statement.setString(1, name);
			statement.setString(2, owner);
		}) == 1;
	}

	@Override
	public boolean tryAcquire(String name, int limit, Duration per) {
		requireName("name", name);
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be at least 1, got " + limit);
		}
		long seconds = Seconds.positive("per", per);
		return callLong("SELECT honker_rate_limit_try(?, ?, ?)", statement -> {
			statement.setString(1, name);
			statement.setLong(2, limit);
			statement.setLong(3, seconds);
		}) == 1;
	}

	@Override
	public void saveResult(long jobId, Object value, Duration ttl) {
		long seconds = Seconds.notNegative("ttl", ttl);
		String json = this.codec.write("result", value);
		callLong("SELECT honker_result_save(?, ?, ?)", statement -> {
			statement.setLong(1, jobId);
			statement.setString(2, json);
			statement.setLong(3, seconds);
		});
	}

	@Override
	public <T> Optional<T> result(long jobId, Class<T> type) {
		Assert.notNull(type, "type must not be null");
		String json = callText("SELECT honker_result_get(?)", statement -> statement.setLong(1, jobId));
		return (json == null) ? Optional.empty()
				: Optional.ofNullable(this.codec.read("result of job " + jobId, json, type));
	}

	private long callLong(String sql, PreparedStatementSetter arguments) {
		Long value = call(sql, arguments, row -> row.next() ? row.getLong(1) : null);
		if (value == null) {
			throw new IllegalStateException(sql + " returned no row");
		}
		return value;
	}

	private @Nullable String callText(String sql, PreparedStatementSetter arguments) {
		return call(sql, arguments, row -> row.next() ? row.getString(1) : null);
	}

	/**
	 * Runs a call on the connection of the current transaction, or on a connection of its
	 * own; see {@link #execute}.
	 */
	private <T> @Nullable T call(String sql, PreparedStatementSetter arguments, ResultSetExtractor<T> reader) {
		return call(sql, sql, arguments, reader);
	}

	/**
	 * As {@link #call(String, PreparedStatementSetter, ResultSetExtractor)}, with the
	 * Honker function whose work the statement does (for errors) or the statement.
	 */
	private <T> @Nullable T call(String task, String sql, PreparedStatementSetter arguments,
			ResultSetExtractor<T> reader) {
		return execute(task, sql, arguments, statement -> {
			try (ResultSet row = statement.executeQuery()) {
				return reader.extractData(row);
			}
		});
	}

	private long update(String sql, PreparedStatementSetter arguments) {
		Integer rows = execute(sql, sql, arguments, PreparedStatement::executeUpdate);
		return (rows != null) ? rows : 0;
	}

	/**
	 * The statement of {@link #pruneNotifications}: the Python binding's one
	 * {@code DELETE}, its conditions joined with {@code OR}; the count limit is
	 * rank-based, so gaps in the ids do not matter.
	 */
	private static String pruneSql(HonkerDialect dialect, boolean byAge, boolean byCount) {
		StringJoiner conditions = new StringJoiner(" OR ", "DELETE FROM _honker_notifications WHERE ", "");
		if (byAge) {
			conditions.add("created_at < " + dialect.now() + " - ?");
		}
		if (byCount) {
			conditions.add("id <= (SELECT id FROM _honker_notifications ORDER BY id DESC LIMIT 1 OFFSET ?)");
		}
		return conditions.toString();
	}

	/**
	 * Runs a statement on the connection of the current transaction, or on a connection
	 * of its own, with the statement cached for that connection; applies the
	 * transaction's timeout, as JdbcTemplate would, and releases the connection before
	 * translating a failure.
	 */
	private <T> @Nullable T execute(String task, String sql, PreparedStatementSetter arguments,
			PreparedStatementCallback<T> work) {
		Connection connection = DataSourceUtils.getConnection(this.dataSource);
		try {
			return this.statements.run(connection, sql, statement -> {
				statement.setQueryTimeout(0);
				DataSourceUtils.applyTimeout(statement, this.dataSource, 0);
				arguments.setValues(statement);
				return work.doInPreparedStatement(statement);
			});
		}
		catch (SQLException ex) {
			DataSourceUtils.releaseConnection(connection, this.dataSource);
			connection = null;
			DataAccessException translated = this.exceptionTranslator.translate(task, sql, ex);
			throw (translated != null) ? translated : new UncategorizedSQLException(task, sql, ex);
		}
		finally {
			DataSourceUtils.releaseConnection(connection, this.dataSource);
		}
	}

	/**
	 * The database's dialect, read from the first connection the template uses (the
	 * current transaction's, if any).
	 */
	private HonkerDialect dialect() {
		HonkerDialect known = this.dialect;
		if (known != null) {
			return known;
		}
		Connection connection = DataSourceUtils.getConnection(this.dataSource);
		try {
			known = HonkerDialect.of(connection);
		}
		catch (SQLException ex) {
			throw new UncategorizedSQLException("honker: read the database product", null, ex);
		}
		finally {
			DataSourceUtils.releaseConnection(connection, this.dataSource);
		}
		this.dialect = known;
		return known;
	}

	private static void requireName(String argument, @Nullable String value) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException(
					argument + " must not be empty, got " + (value == null ? "null" : "'" + value + "'"));
		}
	}

}
