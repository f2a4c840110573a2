package dev.honker.spring.scheduler;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.honker.spring.listener.ChildJvm;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cron runs in the process's local time zone, as in Honker 0.4: a child JVM with
 * {@code TZ=America/New_York} registers schedules and ticks across the 2027
 * spring-forward and the 2026 fall-back nights, the way the leader does.
 */
class DaylightSavingTimeTests {

	private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

	@TempDir
	Path dir;

	@Test
	void firesInTheLocalTimeZoneAcrossSpringForwardAndFallBack() throws Exception {
		Path log = this.dir.resolve("dst.log");
		try (ChildJvm child = ChildJvm.start(log, Map.of("TZ", "America/New_York"), DstTickMain.class,
				this.dir.resolve("dst.db").toString(),
				// 02:30 does not exist on 2027-03-14: that night fires at 03:00 EDT
				"spring|30 2 * * *|" + local("2027-03-13T12:00") + "|" + local("2027-03-15T12:00"),
				// 01:30 happens twice on 2026-11-01: it fires once, at the first (EDT)
				"fall|30 1 * * *|" + local("2026-10-31T12:00") + "|" + local("2026-11-02T12:00"),
				// hourly through the repeated hour: 01:00 EDT, then 02:00 EST and 03:00
				// EST
				"hourly|0 * * * *|" + local("2026-11-01T00:30") + "|" + utc("2026-11-01T08:30"))) {
			assertThat(child.waitFor(120)).as("exit code; log %s", log).isZero();
		}
		List<String> lines = Files.readAllLines(log);
		assertThat(lines).contains("zone America/New_York");
		assertThat(lines).contains("fires spring " + utc("2027-03-14T07:00") + " " + utc("2027-03-15T06:30"));
		assertThat(lines).contains("fires fall " + utc("2026-11-01T05:30") + " " + utc("2026-11-02T06:30"));
		assertThat(lines).contains("fires hourly " + utc("2026-11-01T05:00") + " " + utc("2026-11-01T07:00") + " "
				+ utc("2026-11-01T08:00"));
	}

	private static long local(String dateTime) {
		return LocalDateTime.parse(dateTime).atZone(NEW_YORK).toEpochSecond();
	}

	private static long utc(String dateTime) {
		return LocalDateTime.parse(dateTime).toEpochSecond(ZoneOffset.UTC);
	}

}
