package dev.honker.sqlite;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The job queue: enqueue, claim, ack, retry, fail, heartbeat, cancel, inspection, expiry
 * sweeps and the next-claim deadline. The predicates follow the Honker 0.4 state machine
 * exactly ({@code run_at <= now}, {@code claim_expires_at < now} for reclaim,
 * {@code >= now} for a valid claim).
 */
final class QueueFunctions {

	static final String MAX_ATTEMPTS_EXCEEDED = "max attempts exceeded";

	/**
	 * {@code honker_enqueue(queue, payload, run_at, delay, priority, max_attempts, expires)}:
	 * a delay wins over run_at; expires is relative to now and may be negative. The
	 * scheduler's tick enqueues its fires with it too.
	 */
	static final String ENQUEUE = """
			INSERT INTO _honker_live (queue, payload, run_at, priority, max_attempts, expires_at)
			VALUES (?1, ?2,
			        CASE WHEN ?4 IS NOT NULL THEN unixepoch() + ?4 ELSE coalesce(?3, unixepoch()) END,
			        ?5, ?6,
			        CASE WHEN ?7 IS NULL THEN NULL ELSE unixepoch() + ?7 END)
			RETURNING id""";

	private static final String ACK = "DELETE FROM _honker_live WHERE id = ?1 AND worker_id = ?2 AND claim_expires_at >= unixepoch()";

	private static final String ACK_BATCH = """
			DELETE FROM _honker_live WHERE id IN (SELECT value FROM json_each(?1))
			   AND worker_id = ?2 AND claim_expires_at >= unixepoch()""";

	private static final String HEARTBEAT = """
			UPDATE _honker_live SET claim_expires_at = unixepoch() + ?3
			 WHERE id = ?1 AND worker_id = ?2 AND state = 'processing' AND claim_expires_at >= unixepoch()""";

	private static final String CANCEL = "DELETE FROM _honker_live WHERE id = ?1 AND state IN ('pending', 'processing')";

	/**
	 * Copies live rows chosen by a WHERE clause into the dead table; {@code ?1} is
	 * last_error.
	 */
	private static final String TO_DEAD = """
			INSERT INTO _honker_dead (id, queue, payload, priority, run_at, max_attempts, attempts, last_error, created_at)
			SELECT id, queue, payload, priority, run_at, max_attempts, attempts, ?1, created_at
			  FROM _honker_live WHERE\s""";

	/**
	 * Expired claims on their last attempt, found through
	 * {@code _honker_live_processing_deadline}.
	 */
	private static final String EXHAUSTED_EXPIRED_CLAIMS = """
			queue = ?2 AND state = 'processing' AND claim_expires_at < ?3
			  AND attempts >= max_attempts AND (expires_at IS NULL OR expires_at > ?3)""";

	/**
	 * Claimable rows in claim order; the redundant state IN (...) lets the planner use
	 * _honker_live_claim.
	 */
	static final String CLAIMABLE_IN_ORDER = """
			SELECT id, attempts >= max_attempts FROM _honker_live
			 WHERE queue = ?1 AND state IN ('pending', 'processing')
			   AND (expires_at IS NULL OR expires_at > ?2)
			   AND ((state = 'pending' AND run_at <= ?2) OR (state = 'processing' AND claim_expires_at < ?2))
			 ORDER BY priority DESC, run_at ASC, id ASC""";

	private static final String BY_IDS = "id IN (SELECT value FROM json_each(?2))";

	private static final String CLAIM = """
			UPDATE _honker_live
			   SET state = 'processing', worker_id = ?1, claim_expires_at = ?3, attempts = attempts + 1
			 WHERE id IN (SELECT value FROM json_each(?2))
			RETURNING id, queue, payload, worker_id, attempts, claim_expires_at""";

	/**
	 * Whether the holder's valid claim was the job's last attempt; no row when it holds
	 * no valid claim.
	 */
	private static final String HELD_ON_LAST_ATTEMPT = """
			SELECT attempts >= max_attempts FROM _honker_live
			 WHERE id = ?1 AND worker_id = ?2 AND claim_expires_at >= ?3 AND state = 'processing'""";

	private static final String RETRY_LATER = """
			UPDATE _honker_live SET state = 'pending', run_at = ?2, worker_id = NULL, claim_expires_at = NULL
			 WHERE id = ?1""";

	private static final String HELD_BY = "id = ?2 AND worker_id = ?3 AND claim_expires_at >= ?4";

	private static final String EXPIRED_PENDING = "queue = ?2 AND state = 'pending' AND expires_at IS NOT NULL AND expires_at <= ?3";

	private static final String GET_JOB = """
			SELECT id, queue, payload, state, priority, run_at, worker_id, claim_expires_at,
			       attempts, max_attempts, created_at, expires_at
			  FROM _honker_live WHERE id = ?1""";

	private static final String NEXT_CLAIM_AT = """
			SELECT coalesce(min(t), 0) FROM (
			  SELECT * FROM (SELECT run_at AS t FROM _honker_live
			    WHERE queue = ?1 AND state = 'pending' AND run_at > ?2
			      AND attempts < max_attempts AND (expires_at IS NULL OR expires_at > ?2)
			    ORDER BY run_at LIMIT 1)
			  UNION ALL
			  SELECT * FROM (SELECT claim_expires_at + 1 AS t FROM _honker_live
			    WHERE queue = ?1 AND state = 'processing' AND claim_expires_at >= ?2
			      AND attempts < max_attempts AND (expires_at IS NULL OR expires_at > ?2)
			    ORDER BY claim_expires_at LIMIT 1))""";

	private QueueFunctions() {
	}

	static void register(FunctionRegistrar registrar) throws SQLException {
		registrar.define("honker_enqueue",
				List.of("queue", "payload", "run_at", "delay", "priority", "max_attempts", "expires"),
				f -> f.resultLong(f.statements()
					.queryLong(ENQUEUE, f.text(0), f.text(1), f.integerOrNull(2), f.integerOrNull(3), f.integer(4),
							f.integer(5), f.integerOrNull(6))));
		registrar.define("honker_claim_batch", List.of("queue", "worker_id", "n", "timeout_s"),
				QueueFunctions::claimBatch);
		registrar.define("honker_ack", List.of("job_id", "worker_id"),
				f -> f.resultLong(f.statements().update(ACK, f.integer(0), f.text(1))));
		registrar.define("honker_ack_batch", List.of("ids_json", "worker_id"),
				f -> f.resultLong(f.statements().update(ACK_BATCH, f.text(0), f.text(1))));
		registrar.define("honker_retry", List.of("job_id", "worker_id", "delay_s", "error"), QueueFunctions::retry);
		registrar.define("honker_fail", List.of("job_id", "worker_id", "error"), QueueFunctions::fail);
		registrar.define("honker_heartbeat", List.of("job_id", "worker_id", "extend_s"),
				f -> f.resultLong(f.statements().update(HEARTBEAT, f.integer(0), f.text(1), f.integer(2))));
		registrar.define("honker_cancel", List.of("job_id"),
				f -> f.resultLong(f.statements().update(CANCEL, f.integer(0))));
		registrar.define("honker_get_job", List.of("job_id"), QueueFunctions::getJob);
		registrar.define("honker_sweep_expired", List.of("queue"), QueueFunctions::sweepExpired);
		registrar.define("honker_queue_next_claim_at", List.of("queue"), f -> {
			String queue = f.text(0);
			Statements statements = f.statements();
			f.resultLong(statements.queryLong(NEXT_CLAIM_AT, queue, statements.now()));
		});
	}

	/**
	 * Dead-letters exhausted claimables, then claims up to {@code n} jobs in priority,
	 * run_at, id order.
	 *
	 * <p>
	 * Honker 0.4 dead-letters every exhausted claimable row of the queue with one
	 * unindexed DELETE, which makes draining a deep backlog quadratic. Here expired
	 * claims on their last attempt are found through
	 * {@code _honker_live_processing_deadline}, and exhausted pending rows (only possible
	 * with {@code max_attempts <= 0} or hand edits) are dead-lettered as the ordered walk
	 * of {@code _honker_live_claim} reaches them: the walk goes on through exhausted rows
	 * until it meets the first claimable row it does not take (so {@code n = 0} still
	 * dead-letters the exhausted rows at the head of the queue), and every claim costs
	 * what it claims. An exhausted pending row behind a claimable row that stays pending
	 * waits for a later claim to reach it.
	 */
	private static void claimBatch(SqlFunction f) throws SQLException {
		String queue = f.text(0);
		String worker = f.text(1);
		long n = f.integer(2);
		long timeout = f.integer(3);
		Statements statements = f.statements();
		long now = statements.now();
		f.resultText(statements.inSavepoint(() -> {
			moveToDead(statements, EXHAUSTED_EXPIRED_CLAIMS, MAX_ATTEMPTS_EXCEEDED, queue, now);
			long limit = n < 0 ? Long.MAX_VALUE : n;
			List<Long> claimable = new ArrayList<>();
			List<Long> exhausted = new ArrayList<>();
			statements.scan(CLAIMABLE_IN_ORDER, row -> {
				if (row.getBoolean(2)) {
					exhausted.add(row.getLong(1));
					return true;
				}
				if (claimable.size() < limit) {
					claimable.add(row.getLong(1));
					return true;
				}
				return false;
			}, queue, now);
			if (!exhausted.isEmpty()) {
				moveToDead(statements, BY_IDS, MAX_ATTEMPTS_EXCEEDED, SqliteSupport.jsonIds(exhausted));
			}
			if (claimable.isEmpty()) {
				return "[]";
			}
			return JsonText.array(statements.queryList(CLAIM, QueueFunctions::claimedJob, worker,
					SqliteSupport.jsonIds(claimable), now + timeout));
		}));
	}

	private static Map<String, Object> claimedJob(ResultSet row) throws SQLException {
		Map<String, Object> job = new HashMap<>();
		job.put("id", row.getLong(1));
		job.put("queue", row.getString(2));
		job.put("payload", row.getString(3));
		job.put("worker_id", row.getString(4));
		job.put("attempts", row.getLong(5));
		job.put("claim_expires_at", row.getLong(6));
		return job;
	}

	/**
	 * Reschedules the holder's job after {@code delay_s}, or dead-letters it when that
	 * was its last attempt.
	 */
	private static void retry(SqlFunction f) throws SQLException {
		long id = f.integer(0);
		String worker = f.text(1);
		long delay = f.integer(2);
		String error = f.text(3);
		Statements statements = f.statements();
		long now = statements.now();
		Boolean lastAttempt = statements.queryFirst(HELD_ON_LAST_ATTEMPT, row -> row.getBoolean(1), id, worker, now);
		if (lastAttempt == null) {
			f.resultLong(0);
		}
		else if (lastAttempt) {
			f.resultLong(statements.inSavepoint(() -> moveToDead(statements, "id = ?2", error, id)));
		}
		else {
			f.resultLong(statements.update(RETRY_LATER, id, now + delay));
		}
	}

	/** Dead-letters the holder's job whatever attempts it has left. */
	private static void fail(SqlFunction f) throws SQLException {
		long id = f.integer(0);
		String worker = f.text(1);
		String error = f.text(2);
		Statements statements = f.statements();
		long now = statements.now();
		f.resultLong(statements.inSavepoint(() -> moveToDead(statements, HELD_BY, error, id, worker, now)));
	}

	private static void sweepExpired(SqlFunction f) throws SQLException {
		String queue = f.text(0);
		Statements statements = f.statements();
		long now = statements.now();
		f.resultLong(statements.inSavepoint(() -> moveToDead(statements, EXPIRED_PENDING, "expired", queue, now)));
	}

	/**
	 * The live job as a JSON object, or {@code ''} when it is not live (acked, dead,
	 * cancelled or unknown).
	 */
	private static void getJob(SqlFunction f) throws SQLException {
		String job = f.statements().queryFirst(GET_JOB, row -> {
			Map<String, Object> fields = new HashMap<>();
			fields.put("id", row.getLong(1));
			fields.put("queue", row.getString(2));
			fields.put("payload", row.getString(3));
			fields.put("state", row.getString(4));
			fields.put("priority", row.getLong(5));
			fields.put("run_at", row.getLong(6));
			fields.put("worker_id", row.getString(7));
			fields.put("claim_expires_at", Statements.longOrNull(row, 8));
			fields.put("attempts", row.getLong(9));
			fields.put("max_attempts", row.getLong(10));
			fields.put("created_at", row.getLong(11));
			fields.put("expires_at", Statements.longOrNull(row, 12));
			return JsonText.object(fields);
		}, f.integer(0));
		f.resultText(job == null ? "" : job);
	}

	/**
	 * Moves the live rows matching {@code where} to the dead table with
	 * {@code lastError}. The clause's own parameters start at {@code ?2}, bound to
	 * {@code whereArguments}; {@code ?1}, the error, is unused by the DELETE. Callers run
	 * it inside a savepoint.
	 */
	private static int moveToDead(Statements statements, String where, String lastError, Object... whereArguments)
			throws SQLException {
		Object[] arguments = new Object[whereArguments.length + 1];
		arguments[0] = lastError;
		System.arraycopy(whereArguments, 0, arguments, 1, whereArguments.length);
		int moved = statements.update(TO_DEAD + where, arguments);
		if (moved > 0) {
			statements.update("DELETE FROM _honker_live WHERE " + where, arguments);
		}
		return moved;
	}

}
