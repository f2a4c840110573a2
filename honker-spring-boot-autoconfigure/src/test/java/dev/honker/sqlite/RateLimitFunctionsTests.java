package dev.honker.sqlite;

import static dev.honker.sqlite.SqlAssertions.*;
import static dev.honker.sqlite.TestDatabase.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code honker_rate_limit_try} and {@code honker_rate_limit_sweep}
 * (docs/compatibility.md, Locks, rate limits, results): epoch-aligned fixed windows,
 * rejected calls not counted, rows keyed by (name, window_start) only, validation,
 * transactions, and one counter shared by connections and processes (argument typing:
 * {@link StrictTypingTests}).
 *
 * <p>
 * Tests that count calls use a window of {@value #LONG_PER} seconds, whose current window
 * runs until 2096, so no window boundary can pass while they run; tests with
 * {@code per = 60} repeat themselves under a fresh name in the rare case a minute
 * boundary passes mid-test.
 */
class RateLimitFunctionsTests {

	/** A window length whose current window (starting at 0) lasts until the year 2096. */
	static final long LONG_PER = 4_000_000_000L;

	@TempDir
	Path dir;

	Connection db;

	@BeforeEach
	void open() throws Exception {
		db = TestDatabase.open(dir.resolve("limits.db"));
	}

	@AfterEach
	void close() throws Exception {
		db.close();
	}

	@Test
	void threeCallsPerMinuteAreAllowedThenRejectedAndTheStoredCountStaysThree() throws Exception {
		inOneWindow(60, name -> {
			List<Long> results = tries(name, 3, 60, 5);
			List<Long> rejected = tries(name, 3, 60, 100);
			assertThat(results).containsExactly(1L, 1L, 1L, 0L, 0L);
			assertThat(rejected).containsOnly(0L);
			assertThat(queryLong(db, "SELECT count FROM _honker_rate_limits WHERE name = ?", name)).isEqualTo(3);
		});
	}

	@Test
	void twoPerMinuteIsAFixedWindowAlignedToTheEpoch() throws Exception {
		inOneWindow(60, name -> {
			long before = now(db);
			assertThat(tries(name, 2, 60, 3)).containsExactly(1L, 1L, 0L);
			long windowStart = queryLong(db, "SELECT window_start FROM _honker_rate_limits WHERE name = ?", name);
			assertThat(windowStart).isEqualTo(before / 60 * 60);
		});
		long before = now(db);
		assertThat(tryOnce("odd", 1, 7)).isEqualTo(1);
		long after = now(db);
		long windowStart = queryLong(db, "SELECT window_start FROM _honker_rate_limits WHERE name = 'odd'");
		assertThat(windowStart % 7).isZero();
		assertThat(windowStart).isIn(before / 7 * 7, after / 7 * 7);
	}

	@Test
	void everyCallUpToTheLimitIsAllowed() throws Exception {
		assertThat(tries("api", 5, LONG_PER, 5)).containsOnly(1L);
		assertThat(tryOnce("api", 5, LONG_PER)).isZero();
		assertThat(queryRows(db, "SELECT name, window_start, count FROM _honker_rate_limits"))
			.containsExactly(List.of("api", 0, 5));
	}

	@Test
	void namesAreIndependent() throws Exception {
		assertThat(tries("a", 1, LONG_PER, 2)).containsExactly(1L, 0L);
		assertThat(tries("b", 1, LONG_PER, 2)).containsExactly(1L, 0L);
	}

	@Test
	void aNewWindowStartsFromZero() throws Exception {
		assertThat(tries("api", 2, LONG_PER, 2)).containsOnly(1L);
		execute(db, "UPDATE _honker_rate_limits SET window_start = window_start - ?", LONG_PER);

		assertThat(tryOnce("api", 2, LONG_PER)).as("the stored window is over").isEqualTo(1);
		assertThat(queryRows(db, "SELECT window_start, count FROM _honker_rate_limits ORDER BY window_start"))
			.containsExactly(List.of(-LONG_PER, 2), List.of(0, 1));
	}

	@Test
	void callsWithDifferentPeriodsShareAWindowThatStartsAtTheSameInstant() throws Exception {
		assertThat(tryOnce("mixed", 1, LONG_PER)).isEqualTo(1);
		assertThat(tryOnce("mixed", 5, 2 * LONG_PER)).as("same (name, window_start = 0) row").isEqualTo(1);
		assertThat(queryRows(db, "SELECT window_start, count FROM _honker_rate_limits")).containsExactly(List.of(0, 2));
		assertThat(tryOnce("mixed", 2, LONG_PER)).isZero();
	}

	@Test
	void aCounterWrittenByAnotherBindingIsShared() throws Exception {
		execute(db, "INSERT INTO _honker_rate_limits (name, window_start, count) VALUES ('py', ?, 2)",
				now(db) / LONG_PER * LONG_PER);
		assertThat(tries("py", 3, LONG_PER, 2)).containsExactly(1L, 0L);
		assertThat(queryLong(db, "SELECT count FROM _honker_rate_limits WHERE name = 'py'")).isEqualTo(3);
	}

	@ParameterizedTest
	@CsvSource({ "0, 60", "-1, 60", "3, 0", "3, -60", "0, 0" })
	void limitAndPerMustBePositive(long limit, long per) throws Exception {
		assertError(db, "SELECT honker_rate_limit_try('api', " + limit + ", " + per + ")").hasMessageContaining(
				"honker_rate_limit_try: limit and per must be positive, got limit " + limit + " and per " + per);
		assertThat(queryLong(db, "SELECT count(*) FROM _honker_rate_limits")).isZero();
	}

	@Test
	void sweepDeletesOnlyWindowsOlderThanTheGivenAge() throws Exception {
		execute(db,
				"INSERT INTO _honker_rate_limits (name, window_start, count) VALUES ('old', unixepoch() - 100000, 3)");
		execute(db,
				"INSERT INTO _honker_rate_limits (name, window_start, count) VALUES ('recent', unixepoch() - 60, 3)");
		assertThat(tryOnce("current", 3, 60)).isEqualTo(1);

		assertThat(queryLong(db, "SELECT honker_rate_limit_sweep(3600)")).isEqualTo(1);
		assertThat(queryRows(db, "SELECT name FROM _honker_rate_limits ORDER BY name"))
			.containsExactly(List.of("current"), List.of("recent"));
		assertThat(queryLong(db, "SELECT honker_rate_limit_sweep(3600)")).isZero();
	}

	@Test
	void sweepAfterForcingAnAncientWindow() throws Exception {
		assertThat(tries("api", 2, LONG_PER, 2)).containsOnly(1L);
		execute(db, "UPDATE _honker_rate_limits SET window_start = 1");
		assertThat(queryLong(db, "SELECT honker_rate_limit_sweep(60)")).isEqualTo(1);
		assertThat(tryOnce("api", 2, LONG_PER)).isEqualTo(1);
	}

	@Test
	void aRolledBackCallIsNotCounted() throws Exception {
		assertThat(tryOnce("api", 2, LONG_PER)).isEqualTo(1);
		db.setAutoCommit(false);
		assertThat(tryOnce("api", 2, LONG_PER)).isEqualTo(1);
		assertThat(tryOnce("fresh", 2, LONG_PER)).isEqualTo(1);
		db.rollback();
		db.setAutoCommit(true);

		assertThat(queryRows(db, "SELECT name, count FROM _honker_rate_limits")).containsExactly(List.of("api", 1));
		assertThat(tryOnce("api", 2, LONG_PER)).isEqualTo(1);
	}

	@Test
	void twoConnectionsShareOneCounter() throws Exception {
		try (Connection other = TestDatabase.open(dir.resolve("limits.db"))) {
			assertThat(tries("api", 3, LONG_PER, 2)).containsOnly(1L);
			assertThat(queryLong(other, "SELECT honker_rate_limit_try('api', 3, ?)", LONG_PER)).isEqualTo(1);
			assertThat(tryOnce("api", 3, LONG_PER)).isZero();
			assertThat(queryLong(other, "SELECT honker_rate_limit_try('api', 3, ?)", LONG_PER)).isZero();
		}
	}

	@Test
	void eightProcessesRacingForThreeSlotsGetExactlyThree() throws Exception {
		List<Process> children = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			children.add(SeparateJvm.start(dir.resolve("limits.db"),
					"SELECT honker_rate_limit_try('api', 3, " + LONG_PER + ")"));
		}
		List<String> results = new ArrayList<>();
		for (Process child : children) {
			results.add(SeparateJvm.resultOf(child));
		}
		assertThat(Collections.frequency(results, "1")).as("allowed among %s", results).isEqualTo(3);
		assertThat(Collections.frequency(results, "0")).isEqualTo(5);
		assertThat(queryLong(db, "SELECT count FROM _honker_rate_limits WHERE name = 'api'")).isEqualTo(3);
	}

	private long tryOnce(String name, long limit, long per) throws Exception {
		return queryLong(db, "SELECT honker_rate_limit_try(?, ?, ?)", name, limit, per);
	}

	private List<Long> tries(String name, long limit, long per, int times) throws Exception {
		List<Long> results = new ArrayList<>(times);
		for (int i = 0; i < times; i++) {
			results.add(tryOnce(name, limit, per));
		}
		return results;
	}

	/** A scenario run against one limiter name. */
	@FunctionalInterface
	interface Scenario {

		void run(String name) throws Exception;

	}

	/**
	 * Runs a scenario under a fresh limiter name, again if a window boundary passed while
	 * it ran (which can happen at most once in a few milliseconds); only a run inside one
	 * window may fail.
	 */
	private void inOneWindow(long per, Scenario scenario) throws Exception {
		for (int attempt = 1;; attempt++) {
			long windowBefore = now(db) / per;
			try {
				scenario.run("api-" + attempt);
				return;
			}
			catch (AssertionError failure) {
				if (now(db) / per == windowBefore || attempt == 2) {
					throw failure;
				}
			}
		}
	}

}
