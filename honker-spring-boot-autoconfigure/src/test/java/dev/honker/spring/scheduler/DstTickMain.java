package dev.honker.spring.scheduler;

import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.honker.spring.listener.HonkerTestPool;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs in a JVM whose {@code TZ} the test sets: for each argument
 * {@code name|expression|from|now} (Unix seconds) it registers the schedule with
 * {@link HonkerSchedules}, moves its next boundary to the first one after {@code from},
 * ticks once at {@code now} the way the leader does (lock renewal and tick in one
 * {@code BEGIN IMMEDIATE} transaction), and prints {@code fires <name> <fire_at>...}. The
 * first line is {@code zone <system zone>}. The first argument is the database file.
 */
public final class DstTickMain {

	private DstTickMain() {
	}

	public static void main(String[] args) throws Exception {
		System.out.println("zone " + ZoneId.systemDefault().getId());
		try (HikariDataSource pool = HonkerTestPool.pool(Path.of(args[0]))) {
			HonkerSchedules schedules = new HonkerSchedules(pool, JsonMapper.shared());
			JdbcTemplate jdbc = new JdbcTemplate(pool);
			LeaderStore store = new LeaderStore(pool, HonkerSchedulerLeader.LOCK_NAME,
					new DatabaseClock(Clock.systemUTC()));
			store.acquire("dst", 60);
			for (int i = 1; i < args.length; i++) {
				String[] scenario = args[i].split("\\|");
				String name = scenario[0];
				schedules.register(ScheduleDefinition.of(name, "dst", scenario[1]));
				jdbc.update("UPDATE _honker_scheduler_tasks SET next_fire_at = honker_cron_next_after(cron_expr, ?)"
						+ " WHERE name = ?", Long.parseLong(scenario[2]), name);
				LeaderStore.TickResult result = store.renewAndTick("dst", 60, Long.parseLong(scenario[3]));
				StringBuilder line = new StringBuilder("fires ").append(name);
				for (JsonNode fire : JsonMapper.shared().readTree(result.fires())) {
					line.append(' ').append(fire.get("fire_at").asLong());
				}
				System.out.println(line);
				schedules.unregister(name);
			}
		}
	}

}
