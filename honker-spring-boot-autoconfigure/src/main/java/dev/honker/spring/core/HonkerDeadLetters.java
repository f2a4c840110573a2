package dev.honker.spring.core;

import java.util.List;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * Requeues and deletes jobs of the dead table ({@code _honker_dead}).
 *
 * <p>
 * A requeued job goes back to {@code _honker_live} as a pending job with the same id,
 * queue, payload, priority, {@code max_attempts} and {@code created_at}, zero attempts,
 * and {@code run_at} now; its dead row is deleted in the same transaction. Nothing else
 * is written: no notification row and no column or table that another Honker binding
 * would read, so to every binding the job looks like one enqueued with an explicit id. On
 * SQLite the commit itself wakes the listeners; on PostgreSQL the same transaction sends
 * the queue's wake ({@code pg_notify}), as an enqueue does. The id is safe to reuse:
 * {@code _honker_live}'s {@code AUTOINCREMENT} never hands out an id twice, and a job is
 * in only one of the two tables. A dead job that had expired comes back without an expiry
 * (the dead table does not keep one).
 *
 * <p>
 * Each method runs in a transaction of its own, or joins the current Spring transaction
 * of the DataSource. The first statement of each writes, so SQLite takes the write lock
 * at once (waiting up to the busy timeout).
 */
public class HonkerDeadLetters {

	private static final String REQUEUE = """
			INSERT INTO _honker_live (id, queue, payload, priority, max_attempts, created_at)
			SELECT id, queue, payload, priority, max_attempts, created_at FROM _honker_dead
			WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM _honker_live WHERE id = ?1)""";

	private static final String REQUEUE_ALL = """
			INSERT INTO _honker_live (id, queue, payload, priority, max_attempts, created_at)
			SELECT d.id, d.queue, d.payload, d.priority, d.max_attempts, d.created_at FROM _honker_dead d
			WHERE d.queue = ?1 AND NOT EXISTS (SELECT 1 FROM _honker_live l WHERE l.id = d.id) ORDER BY d.id""";

	private static final String DELETE_REQUEUED = """
			DELETE FROM _honker_dead WHERE queue = ?1
			AND id IN (SELECT id FROM _honker_live WHERE queue = ?1 AND state = 'pending' AND attempts = 0)""";

	/** PostgreSQL: the wake that {@code honker_enqueue} sends, for a requeued job. */
	private static final String WAKE_QUEUE_OF_JOB = "SELECT honker._wake('queue', queue) FROM _honker_live WHERE id = ?";

	/** PostgreSQL: the wake that {@code honker_enqueue} sends, for a queue. */
	private static final String WAKE_QUEUE = "SELECT honker._wake('queue', ?)";

	private static final PositionalSql REQUEUE_POSITIONAL = PositionalSql.of(REQUEUE);

	private static final PositionalSql REQUEUE_ALL_POSITIONAL = PositionalSql.of(REQUEUE_ALL);

	private static final PositionalSql DELETE_REQUEUED_POSITIONAL = PositionalSql.of(DELETE_REQUEUED);

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transaction;

	private volatile @Nullable HonkerDialect dialect;

	/**
	 * Creates the operations on a DataSource with the Honker schema.
	 * @param dataSource the application's SQLite DataSource
	 */
	public HonkerDeadLetters(DataSource dataSource) {
		Assert.notNull(dataSource, "dataSource must not be null");
		this.jdbc = new JdbcTemplate(dataSource);
		this.transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
	}

	/**
	 * Moves a dead job back to its queue, to run again from its first attempt.
	 * @param jobId the job id
	 * @return {@link Result#DONE}, {@link Result#NOT_DEAD} when the job is pending or
	 * processing, or {@link Result#NOT_FOUND}
	 */
	public Result requeue(long jobId) {
		return this.transaction.execute(status -> {
			if (this.jdbc.update(REQUEUE_POSITIONAL.sql(), REQUEUE_POSITIONAL.arguments(jobId)) == 0) {
				return missing(jobId);
			}
			this.jdbc.update("DELETE FROM _honker_dead WHERE id = ?", jobId);
			if (dialect() == HonkerDialect.POSTGRESQL) {
				this.jdbc.query(WAKE_QUEUE_OF_JOB, row -> {
				}, jobId);
			}
			return Result.DONE;
		});
	}

	/**
	 * Moves every dead job of a queue back to it, in id order.
	 * @param queue the queue name
	 * @return how many jobs were requeued
	 */
	public int requeueAll(String queue) {
		if (queue == null || queue.isBlank()) {
			throw new IllegalArgumentException(
					"queue must not be empty, got " + (queue == null ? "null" : "'" + queue + "'"));
		}
		Integer count = this.transaction.execute(status -> {
			int moved = this.jdbc.update(REQUEUE_ALL_POSITIONAL.sql(), REQUEUE_ALL_POSITIONAL.arguments(queue));
			this.jdbc.update(DELETE_REQUEUED_POSITIONAL.sql(), DELETE_REQUEUED_POSITIONAL.arguments(queue));
			if (moved > 0 && dialect() == HonkerDialect.POSTGRESQL) {
				this.jdbc.query(WAKE_QUEUE, row -> {
				}, queue);
			}
			return moved;
		});
		return (count != null) ? count : 0;
	}

	/**
	 * Deletes a dead job for good.
	 * @param jobId the job id
	 * @return {@link Result#DONE}, {@link Result#NOT_DEAD} when the job is pending or
	 * processing, or {@link Result#NOT_FOUND}
	 */
	public Result delete(long jobId) {
		return this.transaction.execute(status -> {
			if (this.jdbc.update("DELETE FROM _honker_dead WHERE id = ?", jobId) == 0) {
				return missing(jobId);
			}
			return Result.DONE;
		});
	}

	/**
	 * Deletes every dead job of a queue for good.
	 * @param queue the queue name
	 * @return how many jobs were deleted
	 */
	public int deleteAll(String queue) {
		if (queue == null || queue.isBlank()) {
			throw new IllegalArgumentException(
					"queue must not be empty, got " + (queue == null ? "null" : "'" + queue + "'"));
		}
		return this.jdbc.update("DELETE FROM _honker_dead WHERE queue = ?", queue);
	}

	/** The database's dialect, read once. */
	private HonkerDialect dialect() {
		HonkerDialect known = this.dialect;
		if (known == null) {
			known = this.jdbc.execute((ConnectionCallback<HonkerDialect>) HonkerDialect::of);
			this.dialect = known;
		}
		return known;
	}

	private Result missing(long jobId) {
		List<String> live = this.jdbc.queryForList("SELECT state FROM _honker_live WHERE id = ?", String.class, jobId);
		return live.isEmpty() ? Result.NOT_FOUND : Result.NOT_DEAD;
	}

	/** What a requeue or delete found. */
	public enum Result {

		/** The job was dead, and was requeued or deleted. */
		DONE,
		/** The job is live (pending or processing), not dead; nothing changed. */
		NOT_DEAD,
		/**
		 * No job has this id (it never existed, or was acknowledged, cancelled or
		 * deleted); nothing changed.
		 */
		NOT_FOUND

	}

}
