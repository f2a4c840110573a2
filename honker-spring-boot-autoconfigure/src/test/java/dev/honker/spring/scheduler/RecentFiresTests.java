package dev.honker.spring.scheduler;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fires a scheduler leader remembers, read from {@code honker_scheduler_tick}'s JSON:
 * per schedule, newest first, at most the configured number.
 */
class RecentFiresTests {

	@Test
	void keepsTheLatestFiresOfEachScheduleNewestFirst() {
		RecentFires fires = new RecentFires(2);
		fires.record("""
				[{"fire_at":100,"job_id":1,"name":"nightly","queue":"reports"},
				 {"fire_at":100,"job_id":2,"name":"hourly","queue":"mail"}]""");
		fires.record("[]");
		fires.record("""
				[{"fire_at":200,"job_id":3,"name":"nightly","queue":"reports"},
				 {"fire_at":300,"job_id":4,"name":"nightly","queue":"reports"}]""");
		assertThat(fires.of("nightly")).containsExactly(new ScheduleFire("nightly", Instant.ofEpochSecond(300), 4),
				new ScheduleFire("nightly", Instant.ofEpochSecond(200), 3));
		assertThat(fires.of("hourly")).containsExactly(new ScheduleFire("hourly", Instant.ofEpochSecond(100), 2));
		assertThat(fires.of("weekly")).isEmpty();
	}

}
