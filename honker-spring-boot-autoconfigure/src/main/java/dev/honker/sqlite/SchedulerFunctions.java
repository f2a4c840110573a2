package dev.honker.sqlite;

import java.sql.SQLException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduler: {@code honker_cron_next_after}, task registration, the tick that
 * enqueues due fires, and the task lifecycle (pause, resume, list, update). Cron
 * boundaries are computed in the system time zone, as in Honker 0.4. No function writes a
 * notification row: the table writes advance {@code data_version}, which is what wakes a
 * sleeping scheduler leader.
 */
final class SchedulerFunctions {

	/**
	 * Fires enqueued for one task in one tick at most. After a longer outage the
	 * remaining missed boundaries are skipped and the task resumes at its first boundary
	 * after {@code now}.
	 */
	static final int MAX_CATCH_UP_FIRES = 64;

	private static final int DEFAULT_MAX_ATTEMPTS = 3;

	private static final String REGISTER = """
			INSERT INTO _honker_scheduler_tasks
			       (name, queue, cron_expr, payload, priority, expires_s, next_fire_at, max_attempts)
			VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
			ON CONFLICT(name) DO UPDATE SET
			       queue = excluded.queue, cron_expr = excluded.cron_expr, payload = excluded.payload,
			       priority = excluded.priority, expires_s = excluded.expires_s,
			       next_fire_at = excluded.next_fire_at, max_attempts = excluded.max_attempts""";

	private static final String DUE_TASKS = """
			SELECT name, queue, cron_expr, payload, priority, expires_s, next_fire_at, coalesce(max_attempts, 3)
			  FROM _honker_scheduler_tasks WHERE next_fire_at <= ?1 AND enabled = 1""";

	private static final String ADVANCE = "UPDATE _honker_scheduler_tasks SET next_fire_at = ?2 WHERE name = ?1";

	/**
	 * Changes enabled from ?3 to ?2; 0 rows when the task is missing or already in that
	 * state.
	 */
	private static final String SET_ENABLED = "UPDATE _honker_scheduler_tasks SET enabled = ?2 WHERE name = ?1 AND enabled = ?3";

	private static final String LIST = """
			SELECT name, queue, cron_expr, payload, priority, expires_s, next_fire_at, enabled,
			       coalesce(max_attempts, 3)
			  FROM _honker_scheduler_tasks ORDER BY name""";

	private SchedulerFunctions() {
	}

	static void register(FunctionRegistrar registrar) throws SQLException {
		registrar.defineDeterministic("honker_cron_next_after", List.of("expr", "from_unix"), f -> f.resultLong(
				nextAfter(CronExpression.parse(f.text(0)), HonkerTime.absoluteOrNull("from_unix", f.integer(1)))));
		registrar.defineOverloaded("honker_scheduler_register",
				List.of("name", "queue", "cron_expr", "payload", "priority", "expires_s", "max_attempts"),
				List.of(6, 7), SchedulerFunctions::registerTask);
		registrar.define("honker_scheduler_unregister", List.of("name"), f -> f
			.resultLong(f.statements().update("DELETE FROM _honker_scheduler_tasks WHERE name = ?1", f.text(0))));
		registrar.define("honker_scheduler_tick", List.of("now_unix"), SchedulerFunctions::tick);
		registrar.define("honker_scheduler_soonest", List.of(), f -> f.resultLong(f.statements()
			.queryLong("SELECT coalesce(min(next_fire_at), 0) FROM _honker_scheduler_tasks WHERE enabled = 1")));
		registrar.define("honker_scheduler_pause", List.of("name"),
				f -> f.resultLong(f.statements().update(SET_ENABLED, f.text(0), 0, 1)));
		registrar.define("honker_scheduler_resume", List.of("name"),
				f -> f.resultLong(f.statements().update(SET_ENABLED, f.text(0), 1, 0)));
		registrar.define("honker_scheduler_list", List.of(), SchedulerFunctions::list);
		registrar.defineOverloaded(
				"honker_scheduler_update", List.of("name", "cron_expr", "payload", "priority", "expires_s",
						"touch_expires", "max_attempts", "touch_max_attempts"),
				List.of(6, 8), SchedulerFunctions::update);
	}

	private static long nextAfter(CronExpression expression, long from) {
		return expression.nextAfter(from, ZoneId.systemDefault());
	}

	/**
	 * Upserts a task; {@code enabled} is left as it was, so a paused task stays paused.
	 * The 6-argument form gives fired jobs 3 attempts.
	 */
	private static void registerTask(SqlFunction f) throws SQLException {
		String name = f.text(0);
		String queue = f.text(1);
		String cron = f.text(2);
		String payload = f.text(3);
		long priority = f.integer(4);
		Long expires = HonkerTime.relativeOrNull("expires_s", f.integerOrNull(5));
		long maxAttempts = f.argumentCount() == 7 ? f.integer(6) : DEFAULT_MAX_ATTEMPTS;
		CronExpression expression = CronExpression.parse(cron);
		long nextFireAt = nextAfter(expression, f.statements().now());
		f.statements()
			.update(REGISTER, name, queue, cron, payload, priority, expires, nextFireAt, Math.max(1, maxAttempts));
		f.resultLong(1);
	}

	/** A task due at {@link #tick}: its row as read before any fire. */
	private record DueTask(String name, String queue, String cron, String payload, long priority, Long expires,
			long nextFireAt, long maxAttempts) {
	}

	/**
	 * Enqueues every boundary of every enabled task that is due at {@code now} (at most
	 * {@link #MAX_CATCH_UP_FIRES} per task) and advances the tasks' {@code next_fire_at}.
	 * A second call with the same {@code now} fires nothing.
	 */
	private static void tick(SqlFunction f) throws SQLException {
		long now = HonkerTime.absoluteOrNull("now", f.integer(0));
		Statements statements = f.statements();
		List<DueTask> due = statements.queryList(DUE_TASKS,
				row -> new DueTask(row.getString(1), row.getString(2), row.getString(3), row.getString(4),
						row.getLong(5), Statements.longOrNull(row, 6), row.getLong(7), row.getLong(8)),
				now);
		if (due.isEmpty()) {
			f.resultText("[]");
			return;
		}
		f.resultText(statements.inSavepoint(() -> {
			List<Map<String, Object>> fires = new ArrayList<>();
			for (DueTask task : due) {
				CronExpression expression = CronExpression.parse(task.cron());
				long nextFireAt = task.nextFireAt();
				int fired = 0;
				while (nextFireAt <= now) {
					if (fired == MAX_CATCH_UP_FIRES) {
						nextFireAt = nextAfter(expression, now);
						break;
					}
					long jobId = statements.queryLong(QueueFunctions.ENQUEUE, task.queue(), task.payload(), null, null,
							task.priority(), task.maxAttempts(), task.expires());
					Map<String, Object> fire = new HashMap<>();
					fire.put("fire_at", nextFireAt);
					fire.put("job_id", jobId);
					fire.put("name", task.name());
					fire.put("queue", task.queue());
					fires.add(fire);
					fired++;
					nextFireAt = nextAfter(expression, nextFireAt);
				}
				statements.update(ADVANCE, task.name(), nextFireAt);
			}
			return JsonText.array(fires);
		}));
	}

	private static void list(SqlFunction f) throws SQLException {
		f.resultText(JsonText.array(f.statements().queryList(LIST, row -> {
			Map<String, Object> task = new HashMap<>();
			task.put("name", row.getString(1));
			task.put("queue", row.getString(2));
			task.put("cron_expr", row.getString(3));
			task.put("payload", row.getString(4));
			task.put("priority", row.getLong(5));
			task.put("expires_s", Statements.longOrNull(row, 6));
			task.put("next_fire_at", row.getLong(7));
			task.put("enabled", row.getLong(8) != 0);
			task.put("max_attempts", row.getLong(9));
			return task;
		})));
	}

	/**
	 * Changes the requested fields of a task. A NULL cron, payload or priority leaves it
	 * unchanged; expires_s and max_attempts change only when their touch flag is non-zero
	 * (then NULL clears expires_s and resets max_attempts to 3). A new cron is validated
	 * before anything is written and moves {@code next_fire_at} to its first boundary
	 * after now. Only the 8-argument form can change max_attempts.
	 */
	private static void update(SqlFunction f) throws SQLException {
		boolean withMaxAttempts = f.argumentCount() == 8;
		String name = f.text(0);
		String cron = f.textOrNull(1);
		String payload = f.textOrNull(2);
		Long priority = f.integerOrNull(3);
		Long expires = HonkerTime.relativeOrNull("expires_s", f.integerOrNull(4));
		boolean touchExpires = f.integer(5) != 0;
		Long maxAttempts = withMaxAttempts ? f.integerOrNull(6) : null;
		boolean touchMaxAttempts = withMaxAttempts && f.integer(7) != 0;
		Statements statements = f.statements();
		boolean exists = statements.queryLong("SELECT count(*) FROM _honker_scheduler_tasks WHERE name = ?1", name) > 0;
		boolean anyField = cron != null || payload != null || priority != null || touchExpires || touchMaxAttempts;
		if (!exists || !anyField) {
			f.resultLong(0);
			return;
		}
		Long nextFireAt = cron == null ? null : nextAfter(CronExpression.parse(cron), statements.now());
		f.resultLong(statements.inSavepoint(() -> {
			if (payload != null) {
				setColumn(statements, name, "payload", payload);
			}
			if (priority != null) {
				setColumn(statements, name, "priority", priority);
			}
			if (touchExpires) {
				setColumn(statements, name, "expires_s", expires);
			}
			if (touchMaxAttempts) {
				setColumn(statements, name, "max_attempts",
						Math.max(1, maxAttempts == null ? DEFAULT_MAX_ATTEMPTS : maxAttempts));
			}
			if (cron != null) {
				statements.update(
						"UPDATE _honker_scheduler_tasks SET cron_expr = ?2, next_fire_at = ?3 WHERE name = ?1", name,
						cron, nextFireAt);
			}
			return 1L;
		}));
	}

	/** Sets one column of a task. */
	private static void setColumn(Statements statements, String name, String column, Object value) throws SQLException {
		statements.update("UPDATE _honker_scheduler_tasks SET " + column + " = ?2 WHERE name = ?1", name, value);
	}

}
