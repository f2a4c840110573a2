package dev.honker.postgres;

import static dev.honker.sqlite.TestDatabase.execute;
import static dev.honker.sqlite.TestDatabase.queryLong;
import static dev.honker.sqlite.TestDatabase.queryRows;
import static dev.honker.sqlite.TestDatabase.queryString;
import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.honker.sqlite.TestDatabase;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every queue rule on PostgreSQL, as {@code dev.honker.sqlite.QueueFunctionsTests} pins
 * them on SQLite (docs/compatibility.md, Queues; docs/postgresql.md): enqueue, claim,
 * ack, retry, fail, heartbeat, expiry and the visibility timeout, cancel, get_job, sweep,
 * next_claim_at, and claims from two connections that skip each other's locked rows. Time
 * moves by editing stored timestamps; boundary checks run inside
 * {@link PostgresOneSecond}.
 */
class PostgresQueueFunctionsTests {

	private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

	Connection connection;

	@BeforeEach
	void open() throws SQLException {
		this.connection = PostgresTestDatabase.open();
	}

	@AfterEach
	void close() throws SQLException {
		this.connection.close();
	}

	@Nested
	class Enqueue {

		@Test
		void defaultsMakeAPendingJobDueNow() throws Exception {
			long[] result = PostgresOneSecond.run(connection,
					(now) -> new long[] { now, enqueue("emails", "{\"to\":\"alice\"}") });

			assertThat(result[1]).isEqualTo(1);
			assertThat(queryRows(connection, """
					SELECT queue, payload, state, priority, run_at, worker_id, claim_expires_at, attempts, max_attempts,
					       created_at, expires_at FROM _honker_live WHERE id = 1""")).containsExactly(Arrays
				.asList("emails", "{\"to\":\"alice\"}", "pending", 0L, result[0], null, null, 0L, 3L, result[0], null));
		}

		@Test
		void literalRunAtIsUsedWhenThereIsNoDelay() throws Exception {
			long id = enqueue("q", "{}", 1_900_000_000L, null, 0, 3, null);

			assertThat(column(id, "run_at")).isEqualTo(1_900_000_000L);
		}

		@Test
		void delayWinsOverRunAtAndMayBeNegative() throws Exception {
			long[] result = PostgresOneSecond.run(connection, (now) -> new long[] { now,
					enqueue("q", "{}", 1_900_000_000L, 30L, 0, 3, null), enqueue("q", "{}", null, -5L, 0, 3, null) });

			assertThat(column(result[1], "run_at")).isEqualTo(result[0] + 30);
			assertThat(column(result[2], "run_at")).isEqualTo(result[0] - 5);
		}

		@Test
		void expiresIsRelativeToNowAndMayBeNegative() throws Exception {
			long[] result = PostgresOneSecond.run(connection, (now) -> new long[] { now,
					enqueue("q", "{}", null, null, 0, 3, 60L), enqueue("q", "{}", null, null, 0, 3, -1L) });

			assertThat(column(result[1], "expires_at")).isEqualTo(result[0] + 60);
			assertThat(column(result[2], "expires_at")).isEqualTo(result[0] - 1);
			assertThat(claimedIds(claim("q", "w", 10, 60))).containsExactly(result[1]);
		}

		@Test
		void priorityAndMaxAttemptsAreStoredWithoutValidation() throws Exception {
			long id = enqueue("q", "{}", null, null, -7, 0, null);

			assertThat(column(id, "priority")).isEqualTo(-7L);
			assertThat(column(id, "max_attempts")).isEqualTo(0L);
		}

		@Test
		void timeIsTheDatabaseClockEvenInALongTransaction() throws Exception {
			connection.setAutoCommit(false);
			execute(connection, "SELECT pg_sleep(1.1)");
			long now = PostgresTestDatabase.now(connection);
			long id = enqueue("q", "{}");
			connection.commit();
			connection.setAutoCommit(true);

			assertThat((Long) column(id, "created_at")).isBetween(now, now + 1);
			assertThat(queryLong(connection, "SELECT extract(epoch FROM now())::bigint")).isGreaterThanOrEqualTo(now);
		}

	}

	@Nested
	class Claim {

		@Test
		void claimsInPriorityThenRunAtThenIdOrder() throws Exception {
			long a = enqueue("q", "a", 1000L, null, 0, 3, null);
			long b = enqueue("q", "b", 4000L, null, 5, 3, null);
			long c = enqueue("q", "c", 2000L, null, 5, 3, null);
			long d = enqueue("q", "d", 1000L, null, 0, 3, null);
			long e = enqueue("q", "e", 2000L, null, 5, 3, null);
			long f = enqueue("q", "f", 10L, null, -1, 3, null);
			long reclaimable = enqueue("q", "g", 3000L, null, 5, 3, null);
			execute(connection, "UPDATE _honker_live SET state = 'processing', worker_id = 'crashed', attempts = 1, "
					+ "claim_expires_at = honker._unixepoch() - 1 WHERE id = ?", reclaimable);

			List<Long> order = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				order.addAll(claimedIds(claim("q", "w", 1, 60)));
			}

			assertThat(order).containsExactly(c, e, reclaimable, b, a, d, f);
		}

		@Test
		void batchClaimsTheFirstNAndNegativeNClaimsAll() throws Exception {
			long low = enqueue("q", "low", null, null, 0, 3, null);
			long high = enqueue("q", "high", null, null, 9, 3, null);
			long middle = enqueue("q", "middle", null, null, 5, 3, null);
			enqueue("other", "x", null, null, 99, 3, null);
			long last = enqueue("q", "last", null, null, 0, 3, null);

			assertThat(claimedIds(claim("q", "w", 2, 60))).containsExactlyInAnyOrder(high, middle);
			assertThat(claim("q", "w", 0, 60)).isEqualTo("[]");
			assertThat(claimedIds(claim("q", "w", -1, 60))).containsExactlyInAnyOrder(low, last);
			assertThat(claim("q", "w", 2, 60)).isEqualTo("[]");
		}

		@Test
		void theResultHasExactlyTheKeysOfHonker() throws Exception {
			long[] result = PostgresOneSecond.run(connection, (now) -> {
				long id = enqueue("emails", "{\"to\":\"a\\\"b\"}\n");
				String claimed = claim("emails", "worker-1", 1, 30);
				assertThat(claimed).isEqualTo("[{\"attempts\":1,\"claim_expires_at\":" + (now + 30) + ",\"id\":" + id
						+ ",\"payload\":\"{\\\"to\\\":\\\"a\\\\\\\"b\\\"}\\n\",\"queue\":\"emails\",\"worker_id\":\"worker-1\"}]");
				return new long[] { now, id };
			});

			assertThat(queryRows(connection,
					"SELECT state, worker_id, attempts, claim_expires_at FROM _honker_live WHERE id = ?", result[1]))
				.containsExactly(Arrays.asList("processing", "worker-1", 1L, result[0] + 30));
		}

		@Test
		void delayedAndExpiredJobsAreNotClaimed() throws Exception {
			enqueue("q", "later", null, 60L, 0, 3, null);
			enqueue("q", "expired", null, null, 0, 3, -1L);

			assertThat(claim("q", "w", 10, 60)).isEqualTo("[]");
		}

		@Test
		void aClaimIsValidThroughItsExpirySecondAndReclaimableAfter() throws Exception {
			long id = enqueue("q", "{}");
			claim("q", "first", 1, 60);

			PostgresOneSecond.run(connection, (now) -> {
				execute(connection, "UPDATE _honker_live SET claim_expires_at = ? WHERE id = ?", now, id);
				assertThat(claim("q", "second", 1, 60)).isEqualTo("[]");
				return null;
			});
			PostgresOneSecond.run(connection, (now) -> {
				execute(connection, "UPDATE _honker_live SET claim_expires_at = ? WHERE id = ?", now - 1, id);
				assertThat(claimedIds(claim("q", "second", 1, 60))).containsExactly(id);
				return null;
			});

			assertThat(column(id, "attempts")).isEqualTo(2L);
			assertThat(ack(id, "first")).as("the first worker lost its claim").isZero();
			assertThat(ack(id, "second")).isEqualTo(1);
		}

		@Test
		void exhaustedClaimablesAreDeadLetteredEvenWhenNothingIsClaimed() throws Exception {
			long crashed = enqueue("q", "crashed", null, null, 0, 2, null);
			execute(connection, "UPDATE _honker_live SET state = 'processing', worker_id = 'gone', attempts = 2, "
					+ "claim_expires_at = honker._unixepoch() - 1 WHERE id = ?", crashed);
			long neverRunnable = enqueue("q", "zero", null, null, 0, 0, null);

			assertThat(claim("q", "w", 0, 60)).isEqualTo("[]");

			assertThat(queryRows(connection, "SELECT id, last_error, attempts FROM _honker_dead ORDER BY id"))
				.containsExactly(Arrays.asList(crashed, "max attempts exceeded", 2L),
						Arrays.asList(neverRunnable, "max attempts exceeded", 0L));
			assertThat(queryLong(connection, "SELECT count(*) FROM _honker_live")).isZero();
		}

		@Test
		void twoConnectionsClaimDisjointJobsWithoutWaiting() throws Exception {
			for (int i = 0; i < 6; i++) {
				enqueue("q", "{\"n\":" + i + "}");
			}
			try (Connection other = PostgresTestDatabase.connect(connection.getMetaData().getURL())) {
				connection.setAutoCommit(false);
				other.setAutoCommit(false);
				execute(other, "SET lock_timeout = '2s'");
				List<Long> mine = claimedIds(claim("q", "a", 4, 60));
				List<Long> theirs = claimedIds(queryString(other, "SELECT honker_claim_batch('q', 'b', 4, 60)"));
				connection.commit();
				other.commit();

				assertThat(mine).hasSize(4);
				assertThat(theirs).hasSize(2).doesNotContainAnyElementsOf(mine);
			}
			finally {
				connection.setAutoCommit(true);
			}
		}

		@Test
		void findsExhaustedJobsThroughTheirOwnIndexNotByWalkingTheQueue() throws Exception {
			execute(connection, "SELECT count(honker_enqueue('q', '{}', NULL, NULL, 0, 3, NULL))"
					+ " FROM generate_series(1, 5000)");
			execute(connection, "LOAD 'auto_explain'");
			execute(connection, "SET auto_explain.log_min_duration = 0");
			execute(connection, "SET auto_explain.log_nested_statements = on");
			execute(connection, "SET client_min_messages = log");
			try (Statement statement = connection.createStatement()) {
				statement.execute("SELECT honker_claim_batch('q', 'w', 32, 60)");
				List<String> plans = new ArrayList<>();
				for (SQLWarning plan = statement.getWarnings(); plan != null; plan = plan.getNextWarning()) {
					plans.add(plan.getMessage());
				}
				assertThat(plans).filteredOn(plan -> plan.contains("l.attempts >= l.max_attempts"))
					.singleElement(as(InstanceOfAssertFactories.STRING))
					.contains("_honker_live_exhausted")
					.doesNotContain("_honker_live_claim");
			}
			finally {
				execute(connection, "SET client_min_messages = notice");
			}
		}

	}

	@Nested
	class AckRetryFailHeartbeat {

		@Test
		void ackDeletesOnlyForTheHolder() throws Exception {
			long id = enqueue("q", "{}");
			claim("q", "w", 1, 60);

			assertThat(ack(id, "intruder")).isZero();
			assertThat(ack(id, "w")).isEqualTo(1);
			assertThat(ack(id, "w")).isZero();
			assertThat(queryLong(connection, "SELECT count(*) FROM _honker_dead")).isZero();
		}

		@Test
		void ackBatchDeletesTheHoldersJobsFromAJsonArray() throws Exception {
			long a = enqueue("q", "a");
			long b = enqueue("q", "b");
			long other = enqueue("q", "c");
			claim("q", "w", 2, 60);
			claim("q", "v", 1, 60);

			assertThat(queryLong(connection, "SELECT honker_ack_batch(?, 'w')",
					"[" + a + "," + b + "," + other + ",\"x\"]"))
				.isEqualTo(2);
			assertThat(queryLong(connection, "SELECT honker_ack_batch('[]', 'w')")).isZero();
			assertThatThrownBy(() -> queryLong(connection, "SELECT honker_ack_batch('[1,', 'w')"))
				.hasMessageContaining("honker_ack_batch: malformed JSON");
		}

		@Test
		void retryReschedulesWithTheDelayAndKeepsTheAttempt() throws Exception {
			long id = enqueue("q", "{}");
			claim("q", "w", 1, 60);

			long now = PostgresOneSecond.run(connection, (second) -> {
				assertThat(queryLong(connection, "SELECT honker_retry(?, 'w', 30, 'boom')", id)).isEqualTo(1);
				return second;
			});

			assertThat(queryRows(connection,
					"SELECT state, run_at, worker_id, claim_expires_at, attempts FROM _honker_live WHERE id = ?", id))
				.containsExactly(Arrays.asList("pending", now + 30, null, null, 1L));
			assertThat(queryLong(connection, "SELECT honker_retry(?, 'w', 30, 'boom')", id)).as("no longer held")
				.isZero();
		}

		@Test
		void retryOnTheLastAttemptDeadLettersWithTheError() throws Exception {
			long id = enqueue("q", "{\"x\":1}", null, null, 3, 1, null);
			claim("q", "w", 1, 60);

			assertThat(queryLong(connection, "SELECT honker_retry(?, 'w', 0, 'it broke')", id)).isEqualTo(1);

			assertThat(queryRows(connection,
					"SELECT id, queue, payload, priority, attempts, max_attempts, last_error FROM _honker_dead"))
				.containsExactly(Arrays.asList(id, "q", "{\"x\":1}", 3L, 1L, 1L, "it broke"));
			assertThat(queryLong(connection, "SELECT count(*) FROM _honker_live")).isZero();
		}

		@Test
		void failDeadLettersTheHoldersJobWhateverAttemptsAreLeft() throws Exception {
			long id = enqueue("q", "{}", null, null, 0, 5, null);
			claim("q", "w", 1, 60);

			assertThat(queryLong(connection, "SELECT honker_fail(?, 'intruder', 'no')", id)).isZero();
			assertThat(queryLong(connection, "SELECT honker_fail(?, 'w', 'fatal')", id)).isEqualTo(1);

			assertThat(queryString(connection, "SELECT last_error FROM _honker_dead WHERE id = ?", id))
				.isEqualTo("fatal");
			assertThat(queryLong(connection, "SELECT count(*) FROM _honker_live")).isZero();
		}

		@Test
		void heartbeatExtendsOnlyAValidClaim() throws Exception {
			long id = enqueue("q", "{}");
			claim("q", "w", 1, 5);

			long now = PostgresOneSecond.run(connection, (second) -> {
				assertThat(queryLong(connection, "SELECT honker_heartbeat(?, 'w', 120)", id)).isEqualTo(1);
				return second;
			});
			assertThat(column(id, "claim_expires_at")).isEqualTo(now + 120);
			assertThat(queryLong(connection, "SELECT honker_heartbeat(?, 'other', 120)", id)).isZero();

			execute(connection, "UPDATE _honker_live SET claim_expires_at = honker._unixepoch() - 1 WHERE id = ?", id);
			assertThat(queryLong(connection, "SELECT honker_heartbeat(?, 'w', 120)", id))
				.as("a late heartbeat does not take the job back")
				.isZero();
		}

		@Test
		void cancelDeletesAPendingOrClaimedJob() throws Exception {
			long pending = enqueue("q", "a");
			long claimed = enqueue("other", "b");
			claim("other", "w", 1, 60);

			assertThat(queryLong(connection, "SELECT honker_cancel(?)", pending)).isEqualTo(1);
			assertThat(queryLong(connection, "SELECT honker_cancel(?)", claimed)).isEqualTo(1);
			assertThat(queryLong(connection, "SELECT honker_cancel(?)", claimed)).isZero();
		}

	}

	@Nested
	class Inspection {

		@Test
		void getJobReadsALiveJobAsJsonWithSortedKeys() throws Exception {
			long[] result = PostgresOneSecond.run(connection,
					(now) -> new long[] { now, enqueue("q", "{\"a\":1}", null, 10L, 2, 4, 100L) });
			long now = result[0];

			assertThat(queryString(connection, "SELECT honker_get_job(?)", result[1]))
				.isEqualTo("{\"attempts\":0,\"claim_expires_at\":null,\"created_at\":" + now + ",\"expires_at\":"
						+ (now + 100) + ",\"id\":" + result[1] + ",\"max_attempts\":4,\"payload\":\"{\\\"a\\\":1}\","
						+ "\"priority\":2,\"queue\":\"q\",\"run_at\":" + (now + 10)
						+ ",\"state\":\"pending\",\"worker_id\":null}");
			assertThat(queryString(connection, "SELECT honker_get_job(999)")).isEmpty();
		}

		@Test
		void sweepDeadLettersExpiredPendingJobs() throws Exception {
			long expired = enqueue("q", "{}", null, null, 0, 3, -1L);
			enqueue("q", "{}", null, null, 0, 3, 60L);
			enqueue("other", "{}", null, null, 0, 3, -1L);

			assertThat(queryLong(connection, "SELECT honker_sweep_expired('q')")).isEqualTo(1);

			assertThat(queryRows(connection, "SELECT id, last_error FROM _honker_dead"))
				.containsExactly(Arrays.asList(expired, "expired"));
		}

		@Test
		void nextClaimAtIsTheEarliestDueRunOrClaimExpiry() throws Exception {
			assertThat(queryLong(connection, "SELECT honker_queue_next_claim_at('q')")).isZero();
			PostgresOneSecond.run(connection, (now) -> {
				enqueue("q", "{}", null, 100L, 0, 3, null);
				assertThat(queryLong(connection, "SELECT honker_queue_next_claim_at('q')")).isEqualTo(now + 100);
				long claimed = enqueue("q", "{}");
				claim("q", "w", 1, 40);
				assertThat(column(claimed, "state")).isEqualTo("processing");
				assertThat(queryLong(connection, "SELECT honker_queue_next_claim_at('q')")).isEqualTo(now + 41);
				return null;
			});
		}

	}

	@Nested
	class BadInput {

		@Test
		void nullForARequiredArgumentNamesIt() {
			assertThatThrownBy(() -> queryLong(connection, "SELECT honker_enqueue(NULL, '{}', NULL, NULL, 0, 3, NULL)"))
				.hasMessageContaining(
						"honker_enqueue: Invalid function parameter type Null at index 0 (queue must be Text)");
			assertThatThrownBy(() -> queryString(connection, "SELECT honker_claim_batch('q', 'w', NULL, 60)"))
				.hasMessageContaining("Invalid function parameter type Null at index 2 (n must be Integer)");
		}

		@Test
		void outOfRangeTimesNameTheArgument() {
			assertThatThrownBy(() -> queryLong(connection,
					"SELECT honker_enqueue('q', '{}', NULL, 9223372036854775807, 0, 3, NULL)"))
				.hasMessageContaining("honker_enqueue: delay 9223372036854775807 is out of range: now + delay must lie "
						+ "between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z");
			assertThatThrownBy(
					() -> queryLong(connection, "SELECT honker_enqueue('q', '{}', 253402300800, NULL, 0, 3, NULL)"))
				.hasMessageContaining("run_at 253402300800 is out of range");
		}

		@Test
		void aWrongTypeIsRefusedByPostgres() {
			assertThatThrownBy(() -> queryLong(connection, "SELECT honker_enqueue('q', '{}', NULL, 1.5, 0, 3, NULL)"))
				.hasMessageContaining("function honker_enqueue(unknown, unknown, unknown, numeric, integer, integer, "
						+ "unknown) does not exist");
		}

	}

	long enqueue(String queue, String payload) throws SQLException {
		return enqueue(queue, payload, null, null, 0, 3, null);
	}

	long enqueue(String queue, String payload, Long runAt, Long delay, long priority, long maxAttempts, Long expires)
			throws SQLException {
		return queryLong(this.connection, "SELECT honker_enqueue(?, ?, ?, ?, ?, ?, ?)", queue, payload, runAt, delay,
				priority, maxAttempts, expires);
	}

	String claim(String queue, String worker, long n, long timeout) throws SQLException {
		return queryString(this.connection, "SELECT honker_claim_batch(?, ?, ?, ?)", queue, worker, n, timeout);
	}

	long ack(long id, String worker) throws SQLException {
		return queryLong(this.connection, "SELECT honker_ack(?, ?)", id, worker);
	}

	Object column(long id, String column) throws SQLException {
		return queryRows(this.connection, "SELECT " + column + " FROM _honker_live WHERE id = ?", id).get(0).get(0);
	}

	static List<Long> claimedIds(String json) {
		List<Long> ids = new ArrayList<>();
		Matcher matcher = ID.matcher(json);
		while (matcher.find()) {
			ids.add(Long.parseLong(matcher.group(1)));
		}
		return ids;
	}

}
