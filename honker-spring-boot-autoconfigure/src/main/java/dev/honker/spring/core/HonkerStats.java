package dev.honker.spring.core;

import org.jspecify.annotations.Nullable;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.Assert;

/**
 * Read-only statistics of the Honker tables: per queue, per schedule and per stream
 * consumer. Every method reads the database when called; nothing is cached.
 *
 * <h2>Cost</h2> The queue counts come from the partial indexes of {@code _honker_live}
 * ({@code _honker_live_pending_deadline} for pending jobs, split at
 * {@code run_at <= now}, and {@code _honker_live_processing_deadline} for claimed jobs,
 * split at {@code claim_expires_at < now}), so a count reads index entries only, never
 * table rows, and the oldest pending job is one index seek. SQLite keeps no counts, so a
 * count still visits every entry it counts: about 35 ns per job on a 2-core machine (see
 * {@code StatsBenchmark}). The queue names come from {@code _honker_live_claim}, one seek
 * per queue.
 *
 * <p>
 * {@code _honker_dead} has no index in Honker 0.4's schema, so this project adds one,
 * {@value #DEAD_QUEUE_INDEX_NAME} on {@code (queue)}, when it creates the schema
 * ({@link #DEAD_QUEUE_INDEX}): the dead counts then read index entries too (about the
 * same cost per dead job as per live job), a page of dead jobs is one range of it, and
 * other Honker bindings read and write the table as before (SQLite keeps the index up to
 * date for every writer). Without the index (a file whose schema the application's own
 * migrations create), the dead counts and pages scan the whole dead table, whose rows
 * carry payloads and error texts. A stream consumer's lag counts the topic's events after
 * its offset through {@code _honker_stream_topic}.
 *
 * <p>
 * Times are whole Unix seconds, as Honker stores them; "now" is this JVM's clock.
 */
public class HonkerStats {

	/** The name of the index this project adds to {@code _honker_dead}. */
	public static final String DEAD_QUEUE_INDEX_NAME = "honker_spring_dead_queue";

	/**
	 * Creates the index of {@code _honker_dead} by queue that the dead counts and pages
	 * read, if it does not exist.
	 */
	public static final String DEAD_QUEUE_INDEX = "CREATE INDEX IF NOT EXISTS " + DEAD_QUEUE_INDEX_NAME
			+ " ON _honker_dead(queue)";

	static final String QUEUE_NAMES = """
			WITH RECURSIVE names(queue) AS (
			  SELECT min(queue) FROM _honker_live WHERE state IN ('pending', 'processing')
			  UNION ALL
			  SELECT (SELECT min(queue) FROM _honker_live
			          WHERE state IN ('pending', 'processing') AND queue > names.queue)
			  FROM names WHERE names.queue IS NOT NULL)
			SELECT queue FROM names WHERE queue IS NOT NULL""";

	static final String LIVE_COUNTS = """
			SELECT
			  (SELECT count(*) FROM _honker_live WHERE queue = ?1 AND state = 'pending' AND run_at <= ?2),
			  (SELECT count(*) FROM _honker_live WHERE queue = ?1 AND state = 'pending' AND run_at > ?2),
			  (SELECT count(*) FROM _honker_live WHERE queue = ?1 AND state = 'processing'),
			  (SELECT count(*) FROM _honker_live WHERE queue = ?1 AND state = 'processing' AND claim_expires_at < ?2),
			  (SELECT min(run_at) FROM _honker_live WHERE queue = ?1 AND state = 'pending' AND run_at <= ?2)""";

	static final String DEAD_COUNTS = "SELECT queue, count(*) FROM _honker_dead GROUP BY queue";

	static final String DEAD_COUNT = "SELECT count(*) FROM _honker_dead WHERE queue = ?";

	private static final String DEAD_PAGE = """
			SELECT id, queue, payload, priority, run_at, attempts, max_attempts, last_error, created_at, died_at
			FROM _honker_dead WHERE queue = ? AND id < ? ORDER BY id DESC LIMIT ?""";

	private static final String SCHEDULES = """
			SELECT name, queue, cron_expr, next_fire_at, enabled FROM _honker_scheduler_tasks ORDER BY name""";

	static final String STREAM_CONSUMERS = """
			SELECT c.name, c.topic, c."offset",
			  (SELECT count(*) FROM _honker_stream s WHERE s.topic = c.topic AND s."offset" > c."offset")
			FROM _honker_stream_consumers c ORDER BY c.name, c.topic""";

	static final String STREAM_TOPICS = """
			WITH RECURSIVE topics(topic) AS (
			  SELECT min(topic) FROM _honker_stream
			  UNION ALL
			  SELECT (SELECT min(topic) FROM _honker_stream WHERE topic > topics.topic)
			  FROM topics WHERE topics.topic IS NOT NULL)
			SELECT topic, (SELECT max(s."offset") FROM _honker_stream s WHERE s.topic = topics.topic)
			FROM topics WHERE topic IS NOT NULL""";

	/** The largest page {@link #deadJobs} returns. */
	public static final int MAX_PAGE_SIZE = 1000;

	/** How many characters of a payload {@link #liveJobs} lists. */
	public static final int PAYLOAD_PREVIEW_LENGTH = 200;

	private static final String LIVE_JOB_COLUMNS = """
			id, queue, state, priority, run_at, attempts, max_attempts, worker_id, claim_expires_at, created_at,
			substr(payload, 1, %d)""".formatted(PAYLOAD_PREVIEW_LENGTH);

	static final String PENDING_PAGE = "SELECT " + LIVE_JOB_COLUMNS + """
			 FROM _honker_live WHERE queue = ?1 AND state = 'pending' AND (run_at, id) > (?2, ?3)
			ORDER BY run_at, id LIMIT ?4""";

	static final String PROCESSING_PAGE = "SELECT " + LIVE_JOB_COLUMNS + """
			 FROM _honker_live WHERE queue = ?1 AND state = 'processing' AND (claim_expires_at, id) > (?2, ?3)
			ORDER BY claim_expires_at, id LIMIT ?4""";

	private static final String LIVE_JOB = """
			SELECT id, queue, state, payload, priority, run_at, attempts, max_attempts, worker_id, claim_expires_at,
			  expires_at, created_at FROM _honker_live WHERE id = ?""";

	private static final String DEAD_JOB = """
			SELECT id, queue, payload, priority, run_at, attempts, max_attempts, last_error, created_at, died_at
			FROM _honker_dead WHERE id = ?""";

	/** How many of the latest claims of each queue {@link #workers()} reads. */
	public static final int WORKER_SAMPLE = 200;

	static final String WORKERS = """
			SELECT worker_id, count(*), max(claim_expires_at) FROM (
			  SELECT worker_id, claim_expires_at FROM _honker_live
			  WHERE queue = ?1 AND state = 'processing' ORDER BY claim_expires_at DESC LIMIT ?2
			) AS latest_claims GROUP BY worker_id ORDER BY worker_id""";

	static final String COUNTERS = """
			SELECT
			  (SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = '_honker_live'),
			  (SELECT count(*) FROM _honker_live WHERE state = 'pending' AND run_at >= -9223372036854775808)
			  + (SELECT count(*) FROM _honker_live WHERE state = 'processing' AND claim_expires_at >= -9223372036854775808),
			  (SELECT count(*) FROM _honker_dead)""";

	/**
	 * What {@link #changeStamp()} reads: the highest job id, the processing jobs' count
	 * and sums of ids and claim deadlines (one covering scan of
	 * {@code _honker_live_processing_deadline}), the dead jobs' count and highest id, and
	 * sums over the small schedule and stream consumer tables.
	 */
	static final String CHANGE_STAMP = """
			SELECT
			  (SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = '_honker_live'),
			  (SELECT count(*) FROM _honker_live WHERE state = 'processing'),
			  (SELECT coalesce(sum(id), 0) FROM _honker_live WHERE state = 'processing'),
			  (SELECT coalesce(sum(claim_expires_at), 0) FROM _honker_live WHERE state = 'processing'),
			  (SELECT count(*) FROM _honker_dead),
			  (SELECT coalesce(max(id), 0) FROM _honker_dead),
			  (SELECT count(*) FROM _honker_scheduler_tasks),
			  (SELECT coalesce(sum(next_fire_at), 0) + coalesce(sum(enabled), 0) FROM _honker_scheduler_tasks),
			  (SELECT coalesce(max("offset"), 0) FROM _honker_stream),
			  (SELECT coalesce(sum("offset"), 0) FROM _honker_stream_consumers)""";

	/**
	 * The job that a claim of a queue would take next, in the claim's own order (through
	 * {@code _honker_live_claim}, stopping at the first match): every claim takes it, so
	 * it changes with every claim, even one acknowledged in the same transaction.
	 */
	static final String NEXT_CLAIM = """
			SELECT id FROM _honker_live
			WHERE queue = ?1 AND state IN ('pending', 'processing') AND attempts < max_attempts
			  AND (expires_at IS NULL OR expires_at > ?2)
			  AND ((state = 'pending' AND run_at <= ?2) OR (state = 'processing' AND claim_expires_at < ?2))
			ORDER BY priority DESC, run_at ASC, id ASC LIMIT 1""";

	private static final PositionalSql NEXT_CLAIM_POSITIONAL = PositionalSql.of(NEXT_CLAIM);

	private static final PositionalSql LIVE_COUNTS_POSITIONAL = PositionalSql.of(LIVE_COUNTS);

	private static final PositionalSql PENDING_PAGE_POSITIONAL = PositionalSql.of(PENDING_PAGE);

	private static final PositionalSql PROCESSING_PAGE_POSITIONAL = PositionalSql.of(PROCESSING_PAGE);

	private static final PositionalSql WORKERS_POSITIONAL = PositionalSql.of(WORKERS);

	private final JdbcTemplate jdbc;

	private volatile @Nullable HonkerDialect dialect;

	private final Clock clock;

	/**
	 * Creates statistics on a DataSource with the Honker schema.
	 * @param dataSource the application's SQLite DataSource
	 */
	public HonkerStats(DataSource dataSource) {
		this(dataSource, Clock.systemUTC());
	}

	HonkerStats(DataSource dataSource, Clock clock) {
		Assert.notNull(dataSource, "dataSource must not be null");
		this.jdbc = new JdbcTemplate(dataSource);
		this.clock = clock;
	}

	/**
	 * The statistics of every queue that has live or dead jobs, by queue name. Counts
	 * dead jobs with one scan of {@value #DEAD_QUEUE_INDEX_NAME} (of the dead table
	 * without it).
	 */
	public List<QueueStats> queues() {
		Map<String, Long> dead = new TreeMap<>();
		this.jdbc.query(DEAD_COUNTS, (ResultSet row) -> {
			dead.put(row.getString(1), row.getLong(2));
		});
		TreeSet<String> names = new TreeSet<>(liveQueueNames());
		names.addAll(dead.keySet());
		long now = nowSeconds();
		List<QueueStats> queues = new ArrayList<>(names.size());
		for (String name : names) {
			queues.add(liveCounts(name, now, dead.getOrDefault(name, 0L)));
		}
		return queues;
	}

	/**
	 * The statistics of one queue; all zeros for a queue without jobs.
	 * @param queue the queue name
	 */
	public QueueStats queue(String queue) {
		requireQueue(queue);
		Long dead = this.jdbc.queryForObject(DEAD_COUNT, Long.class, queue);
		return liveCounts(queue, nowSeconds(), (dead != null) ? dead : 0);
	}

	/**
	 * The names of the queues that have live jobs (pending or processing), in order; one
	 * index seek per queue.
	 */
	public List<String> liveQueueNames() {
		return this.jdbc.queryForList(QUEUE_NAMES, String.class);
	}

	/**
	 * One page of a queue's dead jobs, newest first.
	 * @param queue the queue name
	 * @param before only jobs with a smaller id; {@code null} for the first page
	 * @param limit the page size, 1 to {@value #MAX_PAGE_SIZE}
	 */
	public DeadJobPage deadJobs(String queue, @Nullable Long before, int limit) {
		requireQueue(queue);
		if (limit < 1 || limit > MAX_PAGE_SIZE) {
			throw new IllegalArgumentException("limit must be between 1 and " + MAX_PAGE_SIZE + ", got " + limit);
		}
		long upper = (before != null) ? before : Long.MAX_VALUE;
		List<DeadJob> jobs = this.jdbc.query(DEAD_PAGE, (row, index) -> deadJob(row), queue, upper, limit + 1);
		if (jobs.size() <= limit) {
			return new DeadJobPage(jobs, null);
		}
		List<DeadJob> page = jobs.subList(0, limit);
		return new DeadJobPage(page, page.get(limit - 1).id());
	}

	/** Every registered schedule, by name. */
	public List<ScheduleStats> schedules() {
		return this.jdbc.query(SCHEDULES, (row, index) -> new ScheduleStats(row.getString(1), row.getString(2),
				row.getString(3), Instant.ofEpochSecond(row.getLong(4)), row.getLong(5) == 0));
	}

	/** Every stream consumer's saved offset and lag, by consumer and topic. */
	public List<StreamConsumerStats> streamConsumers() {
		return this.jdbc.query(STREAM_CONSUMERS, (row, index) -> new StreamConsumerStats(row.getString(1),
				row.getString(2), row.getLong(3), row.getLong(4)));
	}

	/**
	 * Every topic that has events, by name, with its last offset: one seek of
	 * {@code _honker_stream_topic} per topic, whatever the number of events.
	 */
	public List<StreamTopicStats> streamTopics() {
		return this.jdbc.query(STREAM_TOPICS, (row, index) -> new StreamTopicStats(row.getString(1), row.getLong(2)));
	}

	/**
	 * One page of a queue's pending jobs (by {@code run_at}, then id) or processing jobs
	 * (by {@code claim_expires_at}, then id), read from the state's partial index: the
	 * cost is that of the page, however deep it is.
	 * @param queue the queue name
	 * @param state which jobs
	 * @param after where the previous page ended ({@link LiveJobPage#next()}), or
	 * {@code null} for the first page
	 * @param limit the page size, 1 to {@value #MAX_PAGE_SIZE}
	 */
	public LiveJobPage liveJobs(String queue, LiveJobState state, @Nullable JobCursor after, int limit) {
		requireQueue(queue);
		Assert.notNull(state, "state must not be null");
		requireLimit(limit);
		PositionalSql sql = (state == LiveJobState.PENDING) ? PENDING_PAGE_POSITIONAL : PROCESSING_PAGE_POSITIONAL;
		long position = (after != null) ? after.position() : Long.MIN_VALUE;
		long id = (after != null) ? after.id() : Long.MIN_VALUE;
		List<LiveJob> jobs = this.jdbc.query(sql.sql(), (row, index) -> liveJob(row),
				sql.arguments(queue, position, id, limit + 1));
		if (jobs.size() <= limit) {
			return new LiveJobPage(jobs, null);
		}
		List<LiveJob> page = jobs.subList(0, limit);
		LiveJob last = page.get(limit - 1);
		Instant lastPosition = (state == LiveJobState.PENDING) ? last.runAt() : last.claimExpiresAt();
		return new LiveJobPage(page, new JobCursor(lastPosition.getEpochSecond(), last.id()));
	}

	/**
	 * Everything about one job, live or dead: two primary-key lookups at most.
	 * @param jobId the job id
	 * @return the job, or empty when no job has this id (it never existed, or was
	 * acknowledged, cancelled or deleted)
	 */
	public Optional<JobDetails> job(long jobId) {
		List<JobDetails> live = this.jdbc.query(LIVE_JOB,
				(row, index) -> new JobDetails(row.getLong(1), row.getString(2), row.getString(3), row.getString(4),
						row.getLong(5), instant(row, 6), row.getLong(7), row.getLong(8), row.getString(9),
						instant(row, 10), instant(row, 11), null, instant(row, 12), null),
				jobId);
		if (!live.isEmpty()) {
			return Optional.of(live.get(0));
		}
		List<JobDetails> dead = this.jdbc.query(DEAD_JOB,
				(row, index) -> new JobDetails(row.getLong(1), row.getString(2), "dead", row.getString(3),
						row.getLong(4), instant(row, 5), row.getLong(6), row.getLong(7), null, null, null,
						row.getString(8), instant(row, 9), instant(row, 10)),
				jobId);
		return dead.stream().findFirst();
	}

	/**
	 * The workers that hold claims right now, per queue, read from the latest
	 * {@value #WORKER_SAMPLE} claims of each queue with live jobs (by
	 * {@code claim_expires_at}, through {@code _honker_live_processing_deadline}), so the
	 * cost stays bounded however many jobs are claimed: a queue with more claims than
	 * that lists only the workers of its latest ones, with their counts among them.
	 */
	public List<WorkerClaims> workers() {
		List<WorkerClaims> workers = new ArrayList<>();
		for (String queue : liveQueueNames()) {
			workers.addAll(this.jdbc.query(WORKERS_POSITIONAL.sql(),
					(row, index) -> new WorkerClaims(queue, row.getString(1), row.getLong(2), instant(row, 3)),
					WORKERS_POSITIONAL.arguments(queue, WORKER_SAMPLE)));
		}
		return workers;
	}

	/**
	 * The totals over all queues, read in one statement so that two readings can be
	 * subtracted ({@link JobCounters#completedSince}). Counts the live jobs through the
	 * two deadline indexes (covering) and the dead jobs with SQLite's count of the dead
	 * table's smallest b-tree ({@value #DEAD_QUEUE_INDEX_NAME} when it exists).
	 */
	public JobCounters counters() {
		return this.jdbc.queryForObject(inDialect(COUNTERS),
				(row, index) -> new JobCounters(this.clock.instant(), row.getLong(1), row.getLong(2), row.getLong(3)));
	}

	/**
	 * A reading that is cheap on a large backlog (it never counts pending jobs: one scan
	 * of the processing jobs' index, seeks, and one seek per queue with live jobs) and
	 * changes with almost every change that the statistics show: an enqueue, a claim (the
	 * job each queue's next claim would take is part of it, so a claim acknowledged in
	 * its own transaction counts too), an acknowledgement, a retry, a heartbeat, a job
	 * sent to, requeued from or deleted from the dead table, a schedule fired, paused or
	 * resumed, a stream event published or a consumer's offset saved. For callers that
	 * refresh the statistics after commits and want to skip commits that changed none of
	 * it, such as a scheduler leader's lock renewal. It does not change when a pending
	 * job other than a queue's next is cancelled or deleted, nor with time passing alone
	 * (delayed jobs falling due behind the next one, claims expiring): callers must still
	 * refresh now and then.
	 * @return an opaque text: two equal readings mean that none of the above happened in
	 * between (as far as sums can tell)
	 */
	public String changeStamp() {
		StringBuilder stamp = this.jdbc.queryForObject(inDialect(CHANGE_STAMP), (row, index) -> {
			StringBuilder columns = new StringBuilder();
			for (int column = 1; column <= row.getMetaData().getColumnCount(); column++) {
				columns.append(row.getString(column)).append(' ');
			}
			return columns;
		});
		long now = nowSeconds();
		for (String queue : liveQueueNames()) {
			List<Long> next = this.jdbc.queryForList(NEXT_CLAIM_POSITIONAL.sql(), Long.class,
					NEXT_CLAIM_POSITIONAL.arguments(queue, now));
			stamp.append(queue).append(':').append(next.isEmpty() ? "-" : next.get(0)).append(' ');
		}
		return stamp.toString();
	}

	private static LiveJob liveJob(ResultSet row) throws SQLException {
		return new LiveJob(row.getLong(1), row.getString(2), row.getString(3), row.getLong(4), instant(row, 5),
				row.getLong(6), row.getLong(7), row.getString(8), instant(row, 9), instant(row, 10), row.getString(11));
	}

	private static @Nullable Instant instant(ResultSet row, int column) throws SQLException {
		long seconds = row.getLong(column);
		return row.wasNull() ? null : Instant.ofEpochSecond(seconds);
	}

	private static void requireLimit(int limit) {
		if (limit < 1 || limit > MAX_PAGE_SIZE) {
			throw new IllegalArgumentException("limit must be between 1 and " + MAX_PAGE_SIZE + ", got " + limit);
		}
	}

	private QueueStats liveCounts(String queue, long now, long dead) {
		return this.jdbc.queryForObject(LIVE_COUNTS_POSITIONAL.sql(), (row, index) -> {
			long claimable = row.getLong(1);
			long delayed = row.getLong(2);
			long oldestRunAt = row.getLong(5);
			Duration oldest = row.wasNull() ? Duration.ZERO : Duration.ofSeconds(Math.max(0, now - oldestRunAt));
			return new QueueStats(queue, claimable + delayed, claimable, delayed, row.getLong(3), row.getLong(4), dead,
					oldest);
		}, LIVE_COUNTS_POSITIONAL.arguments(queue, now));
	}

	/**
	 * {@code sql}, written with SQLite's way of reading the highest job id, in the
	 * database's own way; the database is asked once.
	 */
	private String inDialect(String sql) {
		HonkerDialect dialect = this.dialect;
		if (dialect == null) {
			dialect = this.jdbc.execute((Connection connection) -> HonkerDialect.of(connection));
			this.dialect = dialect;
		}
		return (dialect == HonkerDialect.SQLITE) ? sql
				: sql.replace(HonkerDialect.SQLITE.highestJobId(), dialect.highestJobId());
	}

	private long nowSeconds() {
		return this.clock.instant().getEpochSecond();
	}

	private static DeadJob deadJob(ResultSet row) throws SQLException {
		return new DeadJob(row.getLong(1), row.getString(2), row.getString(3), row.getLong(4),
				Instant.ofEpochSecond(row.getLong(5)), row.getLong(6), row.getLong(7), row.getString(8),
				Instant.ofEpochSecond(row.getLong(9)), Instant.ofEpochSecond(row.getLong(10)));
	}

	private static void requireQueue(@Nullable String queue) {
		if (queue == null || queue.isBlank()) {
			throw new IllegalArgumentException(
					"queue must not be empty, got " + (queue == null ? "null" : "'" + queue + "'"));
		}
	}

}
