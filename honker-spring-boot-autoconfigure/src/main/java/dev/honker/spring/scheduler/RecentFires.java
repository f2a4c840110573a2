package dev.honker.spring.scheduler;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The latest fires of each schedule, read from the JSON array that
 * {@code honker_scheduler_tick} returns ({@code [{"fire_at":..,"job_id":..,"name":..,
 * "queue":..}]}), kept in memory.
 */
final class RecentFires {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final int perSchedule;

	private final Map<String, Deque<ScheduleFire>> fires = new HashMap<>();

	RecentFires(int perSchedule) {
		this.perSchedule = perSchedule;
	}

	/** Records the fires of one tick. */
	synchronized void record(String tickResult) {
		for (JsonNode fire : JSON.readTree(tickResult)) {
			String name = fire.get("name").asString();
			Deque<ScheduleFire> latest = this.fires.computeIfAbsent(name, key -> new ArrayDeque<>());
			latest.addFirst(new ScheduleFire(name, Instant.ofEpochSecond(fire.get("fire_at").asLong()),
					fire.get("job_id").asLong()));
			while (latest.size() > this.perSchedule) {
				latest.removeLast();
			}
		}
	}

	/** The latest fires of a schedule, newest first. */
	synchronized List<ScheduleFire> of(String name) {
		Deque<ScheduleFire> latest = this.fires.get(name);
		return (latest != null) ? List.copyOf(latest) : List.of();
	}

}
