package dev.honker.sqlite;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The job queue: enqueue, claim, ack, retry, fail, heartbeat, cancel, inspection, expiry sweeps and
 * the next-claim deadline. The predicates follow the Honker 0.4 state machine exactly
 * ({@code run_at <= now}, {@code claim_expires_at < now} for reclaim, {@code >= now} for a valid claim).
 */
final class QueueFunctions {

    static final String MAX_ATTEMPTS_EXCEEDED = "max attempts exceeded";

    /** Copies live rows chosen by a WHERE clause into the dead table; {@code ?1} is last_error. */
    private static final String TO_DEAD = """
            INSERT INTO _honker_dead (id, queue, payload, priority, run_at, max_attempts, attempts, last_error, created_at)
            SELECT id, queue, payload, priority, run_at, max_attempts, attempts, ?1, created_at
              FROM _honker_live WHERE\s""";

    private static final String ENQUEUE = """
            INSERT INTO _honker_live (queue, payload, run_at, priority, max_attempts, expires_at)
            VALUES (?1, ?2,
                    CASE WHEN ?4 IS NOT NULL THEN unixepoch() + ?4 ELSE coalesce(?3, unixepoch()) END,
                    ?5, ?6,
                    CASE WHEN ?7 IS NULL THEN NULL ELSE unixepoch() + ?7 END)
            RETURNING id""";

    private static final String EXHAUSTED_EXPIRED_CLAIMS = """
            queue = ?2 AND state = 'processing' AND claim_expires_at < ?3
              AND attempts >= max_attempts AND (expires_at IS NULL OR expires_at > ?3)""";

    /** Claimable rows in claim order; the redundant state IN (...) lets the planner use _honker_live_claim. */
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

    private static final String HOLDER = "id = ?2 AND worker_id = ?3 AND claim_expires_at >= ?4";

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
                QueueFunctions::enqueue);
        registrar.define("honker_claim_batch", List.of("queue", "worker_id", "n", "timeout_s"),
                QueueFunctions::claimBatch);
        registrar.define("honker_ack", List.of("job_id", "worker_id"), f -> {
            long id = f.integer(0);
            String worker = f.text(1);
            f.resultLong(f.statements().update(
                    "DELETE FROM _honker_live WHERE id = ?1 AND worker_id = ?2 AND claim_expires_at >= unixepoch()",
                    s -> {
                        s.setLong(1, id);
                        s.setString(2, worker);
                    }));
        });
        registrar.define("honker_ack_batch", List.of("ids_json", "worker_id"), f -> {
            String ids = f.text(0);
            String worker = f.text(1);
            f.resultLong(f.statements().update("""
                    DELETE FROM _honker_live WHERE id IN (SELECT value FROM json_each(?1))
                       AND worker_id = ?2 AND claim_expires_at >= unixepoch()""",
                    s -> {
                        s.setString(1, ids);
                        s.setString(2, worker);
                    }));
        });
        registrar.define("honker_retry", List.of("job_id", "worker_id", "delay_s", "error"), QueueFunctions::retry);
        registrar.define("honker_fail", List.of("job_id", "worker_id", "error"), QueueFunctions::fail);
        registrar.define("honker_heartbeat", List.of("job_id", "worker_id", "extend_s"), f -> {
            long id = f.integer(0);
            String worker = f.text(1);
            long extend = f.integer(2);
            f.resultLong(f.statements().update("""
                    UPDATE _honker_live SET claim_expires_at = unixepoch() + ?3
                     WHERE id = ?1 AND worker_id = ?2 AND state = 'processing' AND claim_expires_at >= unixepoch()""",
                    s -> {
                        s.setLong(1, id);
                        s.setString(2, worker);
                        s.setLong(3, extend);
                    }));
        });
        registrar.define("honker_cancel", List.of("job_id"), f -> {
            long id = f.integer(0);
            f.resultLong(f.statements().update(
                    "DELETE FROM _honker_live WHERE id = ? AND state IN ('pending', 'processing')",
                    s -> s.setLong(1, id)));
        });
        registrar.define("honker_get_job", List.of("job_id"), QueueFunctions::getJob);
        registrar.define("honker_sweep_expired", List.of("queue"), QueueFunctions::sweepExpired);
        registrar.define("honker_queue_next_claim_at", List.of("queue"), f -> {
            String queue = f.text(0);
            long now = now(f.statements());
            f.resultLong(f.statements().queryLong(NEXT_CLAIM_AT, s -> {
                s.setString(1, queue);
                s.setLong(2, now);
            }, 0));
        });
    }

    private static void enqueue(SqlFunction f) throws SQLException {
        String queue = f.text(0);
        String payload = f.text(1);
        Long runAt = f.integerOrNull(2);
        Long delay = f.integerOrNull(3);
        long priority = f.integer(4);
        long maxAttempts = f.integer(5);
        Long expires = f.integerOrNull(6);
        f.resultLong(f.statements().queryLong(ENQUEUE, s -> {
            s.setString(1, queue);
            s.setString(2, payload);
            Statements.setLongOrNull(s, 3, runAt);
            Statements.setLongOrNull(s, 4, delay);
            s.setLong(5, priority);
            s.setLong(6, maxAttempts);
            Statements.setLongOrNull(s, 7, expires);
        }, 0));
    }

    /**
     * Dead-letters exhausted claimables, then claims up to {@code n} jobs in priority, run_at, id order.
     *
     * <p>Honker 0.4 dead-letters every exhausted claimable row of the queue with one unindexed
     * DELETE, which makes draining a deep backlog quadratic. Here expired claims on their last
     * attempt are found through {@code _honker_live_processing_deadline}, and exhausted pending rows
     * (only possible with {@code max_attempts <= 0} or hand edits) are dead-lettered as the ordered
     * walk of {@code _honker_live_claim} reaches them: the walk goes on through exhausted rows until
     * it meets the first claimable row it does not take (so {@code n = 0} still dead-letters the
     * exhausted rows at the head of the queue), and every claim costs what it claims. An exhausted
     * pending row behind a claimable row that stays pending waits for a later claim to reach it.
     */
    private static void claimBatch(SqlFunction f) throws SQLException {
        String queue = f.text(0);
        String worker = f.text(1);
        long n = f.integer(2);
        long timeout = f.integer(3);
        Statements statements = f.statements();
        long now = now(statements);
        String claimed = statements.inSavepoint(() -> {
            moveToDead(statements, EXHAUSTED_EXPIRED_CLAIMS, MAX_ATTEMPTS_EXCEEDED, s -> {
                s.setString(2, queue);
                s.setLong(3, now);
            });
            long limit = n < 0 ? Long.MAX_VALUE : n;
            List<Long> claimable = new ArrayList<>();
            List<Long> exhausted = new ArrayList<>();
            statements.scan(CLAIMABLE_IN_ORDER, s -> {
                s.setString(1, queue);
                s.setLong(2, now);
            }, row -> {
                if (row.getBoolean(2)) {
                    exhausted.add(row.getLong(1));
                    return true;
                }
                if (claimable.size() < limit) {
                    claimable.add(row.getLong(1));
                    return true;
                }
                return false;
            });
            if (!exhausted.isEmpty()) {
                moveToDead(statements, BY_IDS, MAX_ATTEMPTS_EXCEEDED, s -> s.setString(2, jsonIds(exhausted)));
            }
            if (claimable.isEmpty()) {
                return "[]";
            }
            List<Map<String, Object>> jobs = new ArrayList<>(claimable.size());
            statements.query(CLAIM, s -> {
                s.setString(1, worker);
                s.setString(2, jsonIds(claimable));
                s.setLong(3, now + timeout);
            }, row -> {
                Map<String, Object> job = new LinkedHashMap<>();
                job.put("id", row.getLong(1));
                job.put("queue", row.getString(2));
                job.put("payload", row.getString(3));
                job.put("worker_id", row.getString(4));
                job.put("attempts", row.getLong(5));
                job.put("claim_expires_at", row.getLong(6));
                jobs.add(job);
            });
            return JsonText.array(jobs);
        });
        f.resultText(claimed);
    }

    private static void retry(SqlFunction f) throws SQLException {
        long id = f.integer(0);
        String worker = f.text(1);
        long delay = f.integer(2);
        String error = f.text(3);
        Statements statements = f.statements();
        long now = now(statements);
        long[] state = {-1};
        statements.query("""
                SELECT attempts >= max_attempts FROM _honker_live
                 WHERE id = ?1 AND worker_id = ?2 AND claim_expires_at >= ?3 AND state = 'processing'""", s -> {
                    s.setLong(1, id);
                    s.setString(2, worker);
                    s.setLong(3, now);
                }, row -> state[0] = row.getLong(1));
        if (state[0] < 0) {
            f.resultLong(0);
        } else if (state[0] == 1) {
            f.resultLong(statements.inSavepoint(() -> moveToDead(statements, "id = ?2", error, s -> s.setLong(2, id))));
        } else {
            statements.update("""
                    UPDATE _honker_live SET state = 'pending', run_at = ?2, worker_id = NULL, claim_expires_at = NULL
                     WHERE id = ?1""", s -> {
                        s.setLong(1, id);
                        s.setLong(2, now + delay);
                    });
            f.resultLong(1);
        }
    }

    private static void fail(SqlFunction f) throws SQLException {
        long id = f.integer(0);
        String worker = f.text(1);
        String error = f.text(2);
        Statements statements = f.statements();
        long now = now(statements);
        f.resultLong(statements.inSavepoint(() -> moveToDead(statements, HOLDER, error, s -> {
            s.setLong(2, id);
            s.setString(3, worker);
            s.setLong(4, now);
        })));
    }

    private static void sweepExpired(SqlFunction f) throws SQLException {
        String queue = f.text(0);
        Statements statements = f.statements();
        long now = now(statements);
        f.resultLong(statements.inSavepoint(() -> moveToDead(statements,
                "queue = ?2 AND state = 'pending' AND expires_at IS NOT NULL AND expires_at <= ?3", "expired", s -> {
                    s.setString(2, queue);
                    s.setLong(3, now);
                })));
    }

    private static void getJob(SqlFunction f) throws SQLException {
        long id = f.integer(0);
        String[] json = {""};
        f.statements().query("""
                SELECT id, queue, payload, state, priority, run_at, worker_id, claim_expires_at,
                       attempts, max_attempts, created_at, expires_at
                  FROM _honker_live WHERE id = ?""", s -> s.setLong(1, id), row -> {
                    Map<String, Object> job = new LinkedHashMap<>();
                    job.put("id", row.getLong(1));
                    job.put("queue", row.getString(2));
                    job.put("payload", row.getString(3));
                    job.put("state", row.getString(4));
                    job.put("priority", row.getLong(5));
                    job.put("run_at", row.getLong(6));
                    job.put("worker_id", row.getString(7));
                    job.put("claim_expires_at", longOrNull(row, 8));
                    job.put("attempts", row.getLong(9));
                    job.put("max_attempts", row.getLong(10));
                    job.put("created_at", row.getLong(11));
                    job.put("expires_at", longOrNull(row, 12));
                    json[0] = JsonText.object(job);
                });
        f.resultText(json[0]);
    }

    /**
     * Moves the live rows matching {@code where} to the dead table with {@code lastError}; the
     * clause's own parameters start at {@code ?2} ({@code ?1}, bound to the error, is unused by the
     * DELETE). Callers run it inside a savepoint.
     */
    private static int moveToDead(Statements statements, String where, String lastError, Statements.Binder binder)
            throws SQLException {
        int moved = statements.update(TO_DEAD + where, s -> {
            s.setString(1, lastError);
            binder.bind(s);
        });
        if (moved > 0) {
            statements.update("DELETE FROM _honker_live WHERE " + where, s -> {
                s.setString(1, lastError);
                binder.bind(s);
            });
        }
        return moved;
    }

    static long now(Statements statements) throws SQLException {
        return statements.queryLong("SELECT unixepoch()", s -> { }, 0);
    }

    private static Long longOrNull(java.sql.ResultSet row, int column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? null : value;
    }

    private static String jsonIds(List<Long> ids) {
        StringJoiner joiner = new StringJoiner(",", "[", "]");
        ids.forEach(id -> joiner.add(Long.toString(id)));
        return joiner.toString();
    }
}
