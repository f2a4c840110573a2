package dev.honker.sqlite;

import static dev.honker.sqlite.TestDatabase.execute;
import static dev.honker.sqlite.TestDatabase.queryLong;
import static dev.honker.sqlite.TestDatabase.queryRows;
import static dev.honker.sqlite.TestDatabase.queryString;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every queue rule and the life of a job (docs/compatibility.md, Queues). Time moves by
 * editing stored timestamps; checks at the exact second boundary run inside
 * {@link OneSecond}.
 */
class QueueFunctionsTests {

	@TempDir
	Path directory;

	Connection connection;

	@BeforeEach
	void open() throws SQLException {
		connection = TestDatabase.open(directory.resolve("queue.db"));
	}

	@AfterEach
	void close() throws SQLException {
		connection.close();
	}

	@Nested
	class Enqueue {

		@Test
		void defaultsMakeAPendingJobDueNow() throws Exception {
			long[] result = OneSecond.run(connection,
					now -> new long[] { now, enqueue("emails", "{\"to\":\"alice\"}") });

			assertThat(result[1]).isEqualTo(1);
			assertThat(queryRows(connection, """
					SELECT queue, payload, state, priority, run_at, worker_id, claim_expires_at, attempts, max_attempts,
					       created_at, expires_at FROM _honker_live WHERE id = 1"""))
				.containsExactly(Arrays.asList("emails", "{\"to\":\"alice\"}", "pending", 0, (int) result[0], null,
						null, 0, 3, (int) result[0], null));
			assertThat(queryString(connection, "SELECT typeof(run_at) || typeof(priority) FROM _honker_live"))
				.isEqualTo("integerinteger");
		}

		@Test
		void literalRunAtIsUsedWhenThereIsNoDelay() throws Exception {
			long id = enqueue("q", "{}", 1_900_000_000L, null, 0, 3, null);

			assertThat(column(id, "run_at")).isEqualTo(1_900_000_000L);
		}

		@Test
		void delayWinsOverRunAt() throws Exception {
			long[] result = OneSecond.run(connection,
					now -> new long[] { now, enqueue("q", "{}", 1_900_000_000L, 30L, 0, 3, null) });

			assertThat(column(result[1], "run_at")).isEqualTo(result[0] + 30);
		}

		@Test
		void negativeDelayIsInThePast() throws Exception {
			long[] result = OneSecond.run(connection,
					now -> new long[] { now, enqueue("q", "{}", null, -5L, 0, 3, null) });

			assertThat(column(result[1], "run_at")).isEqualTo(result[0] - 5);
		}

		@Test
		void expiresIsRelativeToNowAndMayBeNegative() throws Exception {
			long[] result = OneSecond.run(connection, now -> new long[] { now,
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
					+ "claim_expires_at = unixepoch() - 1 WHERE id = ?", reclaimable);

			List<Long> order = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				order.addAll(claimedIds(claim("q", "w", 1, 60)));
			}

			assertThat(order).containsExactly(c, e, reclaimable, b, a, d, f);
		}

		@Test
		void batchClaimsTheFirstNInOrder() throws Exception {
			long low = enqueue("q", "low", null, null, 0, 3, null);
			long high = enqueue("q", "high", null, null, 9, 3, null);
			long middle = enqueue("q", "middle", null, null, 5, 3, null);
			enqueue("other", "x", null, null, 99, 3, null);

			assertThat(claimedIds(claim("q", "w", 2, 60))).containsExactlyInAnyOrder(high, middle);
			assertThat(claimedIds(claim("q", "w", 2, 60))).containsExactly(low);
			assertThat(claim("q", "w", 2, 60)).isEqualTo("[]");
		}

		@Test
		void claimMarksTheRowsProcessing() throws Exception {
			long id = enqueue("q", "{}");
			long now = OneSecond.run(connection, t -> {
				claim("q", "worker-1", 1, 90);
				return t;
			});

			assertThat(queryRows(connection,
					"SELECT state, worker_id, attempts, claim_expires_at FROM _honker_live WHERE id = ?", id))
				.containsExactly(List.of("processing", "worker-1", 1, (int) (now + 90)));
		}

		@Test
		void claimJsonIsExactWithSortedKeysAndEscapedStrings() throws Exception {
			String payload = "{\"to\":\"a\\\"b\\\\c\"}\n\t\u0001é🦆";
			Timed<String> claimed = OneSecond.run(connection, now -> {
				enqueue("em\"ails", payload);
				return new Timed<>(now, claim("em\"ails", "w\\1", 5, 30));
			});

			assertThat(claimed.value()).isEqualTo("[{\"attempts\":1,\"claim_expires_at\":" + (claimed.now() + 30)
					+ ",\"id\":1,\"payload\":\"{\\\"to\\\":\\\"a\\\\\\\"b\\\\\\\\c\\\"}\\n\\t\\u0001é🦆\""
					+ ",\"queue\":\"em\\\"ails\",\"worker_id\":\"w\\\\1\"}]");
		}

		@Test
		void emptyQueueGivesAnEmptyArray() throws Exception {
			assertThat(claim("nothing-here", "w", 10, 60)).isEqualTo("[]");
		}

		@Test
		void zeroClaimsNothing() throws Exception {
			long id = enqueue("q", "{}");

			assertThat(claim("q", "w", 0, 60)).isEqualTo("[]");
			assertThat(column(id, "state")).isEqualTo("pending");
		}

		@Test
		void zeroStillDeadLettersExhaustedClaimables() throws Exception {
			long expiredLastAttempt = enqueue("q", "{}", null, null, 0, 1, null);
			claim("q", "w", 1, 60);
			expireClaim(expiredLastAttempt);
			long neverClaimable = enqueue("q", "{}", null, null, 0, 0, null);

			assertThat(claim("q", "w", 0, 60)).isEqualTo("[]");

			assertThat(deadErrors()).containsExactly(
					List.of((int) expiredLastAttempt, QueueFunctions.MAX_ATTEMPTS_EXCEEDED),
					List.of((int) neverClaimable, QueueFunctions.MAX_ATTEMPTS_EXCEEDED));
		}

		@Test
		void negativeNMeansNoLimit() throws Exception {
			for (int i = 0; i < 5; i++) {
				enqueue("q", "{}");
			}

			assertThat(claimedIds(claim("q", "w", -1, 60))).hasSize(5);
		}

		@Test
		void futureJobsWaitUntilRunAt() throws Exception {
			List<Long> dueAndClaimed = OneSecond.run(connection, now -> {
				long due = enqueue("q", "due", now, null, 0, 3, null);
				enqueue("q", "later", now + 1, null, 0, 3, null);
				List<Long> ids = new ArrayList<>(List.of(due));
				ids.addAll(claimedIds(claim("q", "w", 10, 60)));
				return ids;
			});

			assertThat(dueAndClaimed.subList(1, dueAndClaimed.size())).containsExactly(dueAndClaimed.get(0));
		}

		@Test
		void expiredJobsAreNotClaimable() throws Exception {
			List<Long> freshAndClaimed = OneSecond.run(connection, now -> {
				enqueue("q", "expires now", null, null, 0, 3, 0L);
				List<Long> ids = new ArrayList<>(List.of(enqueue("q", "expires next second", null, null, 0, 3, 1L)));
				ids.addAll(claimedIds(claim("q", "w", 10, 60)));
				return ids;
			});

			assertThat(freshAndClaimed.subList(1, freshAndClaimed.size())).containsExactly(freshAndClaimed.get(0));
			assertThat(queryLong(connection, "SELECT count(*) FROM _honker_live WHERE state = 'pending'")).isEqualTo(1);
		}

		@Test
		void expiredClaimIsReclaimedWithOneMoreAttempt() throws Exception {
			long id = enqueue("q", "{}");
			claim("q", "first", 1, 60);
			expireClaim(id);

			assertThat(claimedIds(claim("q", "second", 1, 60))).containsExactly(id);
			assertThat(queryRows(connection, "SELECT worker_id, attempts FROM _honker_live WHERE id = ?", id))
				.containsExactly(List.of("second", 2));
			assertThat(ack(id, "first")).isZero();
			assertThat(ack(id, "second")).isEqualTo(1);
		}

		@Test
		void claimExpiringThisSecondIsNotYetReclaimable() throws Exception {
			long id = enqueue("q", "{}");
			claim("q", "first", 1, 60);

			String second = OneSecond.run(connection, now -> {
				execute(connection, "UPDATE _honker_live SET claim_expires_at = ? WHERE id = ?", now, id);
				return claim("q", "second", 1, 60);
			});

			assertThat(second).isEqualTo("[]");
			assertThat(column(id, "worker_id")).isEqualTo("first");
		}

		@Test
		void expiredClaimOnItsLastAttemptIsDeadLettered() throws Exception {
			long id = enqueue("q", "{\"n\":1}", 1000L, null, 4, 2, null);
			execute(connection, "UPDATE _honker_live SET created_at = 900 WHERE id = ?", id);
			claim("q", "w1", 1, 60);
			expireClaim(id);
			assertThat(claimedIds(claim("q", "w2", 1, 60))).containsExactly(id);
			expireClaim(id);

			assertThat(claim("q", "w3", 1, 60)).isEqualTo("[]");

			assertThat(queryLong(connection, "SELECT count(*) FROM _honker_live")).isZero();
			assertThat(queryRows(connection, """
					SELECT id, queue, payload, priority, run_at, attempts, max_attempts, last_error, created_at
					  FROM _honker_dead"""))
				.containsExactly(List.of((int) id, "q", "{\"n\":1}", 4, 1000, 2, 2, "max attempts exceeded", 900));
		}

		@Test
		void pendingJobWithZeroMaxAttemptsIsDeadLetteredByTheNextClaim() throws Exception {
			long dead = enqueue("q", "{}", null, null, 5, 0, null);
			long alive = enqueue("q", "{}");

			assertThat(claimedIds(claim("q", "w", 1, 60))).containsExactly(alive);

			assertThat(deadErrors()).containsExactly(List.of((int) dead, "max attempts exceeded"));
			assertThat(queryLong(connection, "SELECT attempts FROM _honker_dead")).isZero();
		}

		@Test
		void exhaustedPendingJobBehindTheClaimedOnesWaitsUntilAClaimReachesIt() throws Exception {
			long first = enqueue("q", "{}", null, null, 9, 3, null);
			long second = enqueue("q", "{}", null, null, 5, 3, null);
			long exhausted = enqueue("q", "{}", null, null, 1, 0, null);

			assertThat(claimedIds(claim("q", "w", 1, 60))).containsExactly(first);
			assertThat(column(exhausted, "state")).as("not reached yet").isEqualTo("pending");

			assertThat(claimedIds(claim("q", "w", 1, 60))).containsExactly(second);
			assertThat(deadErrors()).as("walked through right after the claimed row")
				.containsExactly(List.of((int) exhausted, "max attempts exceeded"));
		}

		@Test
		void pendingJobForcedToItsMaxIsDeadLettered() throws Exception {
			long id = enqueue("q", "{}");
			execute(connection, "UPDATE _honker_live SET attempts = 3 WHERE id = ?", id);

			assertThat(claim("q", "w", 1, 60)).isEqualTo("[]");
			assertThat(deadErrors()).containsExactly(List.of((int) id, "max attempts exceeded"));
		}

		@Test
		void inFlightClaimOnItsLastAttemptIsLeftAlone() throws Exception {
			long id = enqueue("q", "{}", null, null, 0, 1, null);
			claim("q", "holder", 1, 60);

			assertThat(claim("q", "thief", 1, 60)).isEqualTo("[]");

			assertThat(queryLong(connection, "SELECT count(*) FROM _honker_dead")).isZero();
			assertThat(column(id, "worker_id")).isEqualTo("holder");
			assertThat(ack(id, "holder")).isEqualTo(1);
		}

		@Test
		void exhaustedRowsOfOtherQueuesOrPastTheirExpiryStayLive() throws Exception {
			long otherQueue = enqueue("other", "{}", null, null, 0, 0, null);
			long expired = enqueue("q", "{}", null, null, 0, 1, null);
			claim("q", "w", 1, 60);
			execute(connection,
					"UPDATE _honker_live SET claim_expires_at = unixepoch() - 5, expires_at = unixepoch() - 1 "
							+ "WHERE id = ?",
					expired);

			assertThat(claim("q", "w", 10, 60)).isEqualTo("[]");

			assertThat(queryRows(connection, "SELECT id FROM _honker_live ORDER BY id"))
				.containsExactly(List.of((int) otherQueue), List.of((int) expired));
			assertThat(queryLong(connection, "SELECT count(*) FROM _honker_dead")).isZero();
		}

	}

	@Nested
	class Ack {

		@Test
		void holderAcksWhileTheClaimIsValid() throws Exception {
			long id = claimedJob("w");

			assertThat(ack(id, "other")).isZero();
			assertThat(ack(id, "w")).isEqualTo(1);
			assertThat(ack(id, "w")).isZero();
			assertThat(queryLong(connection, "SELECT count(*) FROM _honker_live")).isZero();
			assertThat(queryLong(connection, "SELECT count(*) FROM _honker_dead")).isZero();
		}

		@Test
		void claimExpiringThisSecondCanStillBeAcked() throws Exception {
			long id = claimedJob("w");

			long acked = OneSecond.run(connection, now -> {
				execute(connection, "UPDATE _honker_live SET claim_expires_at = ? WHERE id = ?", now, id);
				return ack(id, "w");
			});

			assertThat(acked).isEqualTo(1);
		}

		@Test
		void expiredClaimCannotBeAcked() throws Exception {
			long id = claimedJob("w");
			expireClaim(id);

			assertThat(ack(id, "w")).isZero();
			assertThat(column(id, "state")).isEqualTo("processing");
		}

		@Test
		void unclaimedJobCannotBeAcked() throws Exception {
			long id = enqueue("q", "{}");

			assertThat(ack(id, "w")).isZero();
		}

		@Test
		void ackIgnoresStateAndJobExpiry() throws Exception {
			long id = claimedJob("w");
			execute(connection, "UPDATE _honker_live SET state = 'pending', expires_at = unixepoch() - 10 WHERE id = ?",
					id);

			assertThat(ack(id, "w")).isEqualTo(1);
		}

		@Test
		void batchAckDeletesOnlyTheHoldersValidClaims() throws Exception {
			long first = enqueue("q", "{}");
			long second = enqueue("q", "{}");
			long expired = enqueue("q", "{}");
			claim("q", "w", 3, 60);
			long foreign = enqueue("q", "{}");
			claim("q", "other", 1, 60);
			expireClaim(expired);

			assertThat(queryLong(connection, "SELECT honker_ack_batch(?, 'w')",
					"[" + first + "," + second + "," + expired + "," + foreign + ",999]"))
				.isEqualTo(2);

			assertThat(queryRows(connection, "SELECT id FROM _honker_live ORDER BY id"))
				.containsExactly(List.of((int) expired), List.of((int) foreign));
			assertThat(queryLong(connection, "SELECT honker_ack_batch('[]', 'w')")).isZero();
		}

	}

	@Nested
	class Retry {

		@Test
		void retryBeforeTheLastAttemptReschedules() throws Exception {
			long id = claimedJob("w");

			Timed<Long> retried = OneSecond.run(connection, now -> new Timed<>(now, retry(id, "w", 30, "boom")));
			long now = retried.now();

			assertThat(retried.value()).isEqualTo(1);
			assertThat(queryRows(connection,
					"SELECT state, run_at, worker_id, claim_expires_at, attempts FROM _honker_live WHERE id = ?", id))
				.containsExactly(Arrays.asList("pending", (int) (now + 30), null, null, 1));
			assertThat(queryLong(connection, "SELECT count(*) FROM _honker_dead")).isZero();
		}

		@Test
		void retryAfterTheLastAttemptDeadLettersWithTheError() throws Exception {
			long id = enqueue("q", "{\"x\":1}", 1234L, null, 2, 2, null);
			execute(connection, "UPDATE _honker_live SET created_at = 1000 WHERE id = ?", id);
			claim("q", "w", 1, 60);
			assertThat(retry(id, "w", 0, "try1")).isEqualTo(1);
			execute(connection, "UPDATE _honker_live SET run_at = 1234 WHERE id = ?", id);
			claim("q", "w", 1, 60);

			assertThat(retry(id, "w", 0, "try2")).isEqualTo(1);

			assertThat(queryLong(connection, "SELECT count(*) FROM _honker_live")).isZero();
			assertThat(queryRows(connection, """
					SELECT id, queue, payload, priority, run_at, attempts, max_attempts, last_error, created_at
					  FROM _honker_dead"""))
				.containsExactly(List.of((int) id, "q", "{\"x\":1}", 2, 1234, 2, 2, "try2", 1000));
		}

		@Test
		void onlyTheHolderOfAValidProcessingClaimCanRetry() throws Exception {
			long id = claimedJob("w");

			assertThat(retry(id, "other", 0, "e")).isZero();
			execute(connection, "UPDATE _honker_live SET state = 'pending' WHERE id = ?", id);
			assertThat(retry(id, "w", 0, "e")).isZero();
			execute(connection, "UPDATE _honker_live SET state = 'processing' WHERE id = ?", id);
			expireClaim(id);
			assertThat(retry(id, "w", 0, "e")).isZero();
			assertThat(column(id, "attempts")).isEqualTo(1L);
		}

		@Test
		void claimExpiringThisSecondCanStillBeRetried() throws Exception {
			long id = claimedJob("w");

			long retried = OneSecond.run(connection, now -> {
				execute(connection, "UPDATE _honker_live SET claim_expires_at = ? WHERE id = ?", now, id);
				return retry(id, "w", 10, "later");
			});

			assertThat(retried).isEqualTo(1);
			assertThat(column(id, "state")).isEqualTo("pending");
		}

	}

	@Nested
	class Fail {

		@Test
		void failDeadLettersRegardlessOfAttemptsLeft() throws Exception {
			long id = enqueue("q", "{}", null, null, 0, 10, null);
			claim("q", "w", 1, 60);

			assertThat(fail(id, "w", "bad input")).isEqualTo(1);

			assertThat(queryRows(connection, "SELECT id, attempts, max_attempts, last_error FROM _honker_dead"))
				.containsExactly(List.of((int) id, 1, 10, "bad input"));
			assertThat(queryLong(connection, "SELECT count(*) FROM _honker_live")).isZero();
		}

		@Test
		void onlyTheHolderOfAValidClaimCanFail() throws Exception {
			long id = claimedJob("w");

			assertThat(fail(id, "other", "e")).isZero();
			expireClaim(id);
			assertThat(fail(id, "w", "e")).isZero();
			assertThat(queryLong(connection, "SELECT count(*) FROM _honker_dead")).isZero();
		}

		@Test
		void claimExpiringThisSecondCanStillBeFailed() throws Exception {
			long id = claimedJob("w");

			long failed = OneSecond.run(connection, now -> {
				execute(connection, "UPDATE _honker_live SET claim_expires_at = ? WHERE id = ?", now, id);
				return fail(id, "w", "late but valid");
			});

			assertThat(failed).isEqualTo(1);
			assertThat(deadErrors()).containsExactly(List.of((int) id, "late but valid"));
		}

	}

	@Nested
	class Heartbeat {

		@Test
		void heartbeatResetsTheClaimExpiryFromNow() throws Exception {
			long id = enqueue("q", "{}");
			claim("q", "w", 1, 600);

			Timed<Long> extended = OneSecond.run(connection, now -> new Timed<>(now, heartbeat(id, "w", 5)));

			assertThat(extended.value()).isEqualTo(1);
			assertThat(column(id, "claim_expires_at")).isEqualTo(extended.now() + 5);
		}

		@Test
		void wrongWorkerOrPendingJobGetsZero() throws Exception {
			long id = claimedJob("w");
			long pending = enqueue("q", "{}");

			assertThat(heartbeat(id, "other", 60)).isZero();
			assertThat(heartbeat(pending, "w", 60)).isZero();
		}

		@Test
		void heartbeatAfterExpiryCannotStealTheJobBack() throws Exception {
			long id = claimedJob("slow");
			expireClaim(id);
			assertThat(claimedIds(claim("q", "reclaimer", 1, 60))).containsExactly(id);
			assertHeldWithTimeLeft(id, "reclaimer");

			assertThat(heartbeat(id, "slow", 600)).isZero();
			assertThat(column(id, "worker_id")).isEqualTo("reclaimer");
		}

		@Test
		void expiredClaimCannotBeExtended() throws Exception {
			long id = claimedJob("w");
			expireClaim(id);

			assertThat(heartbeat(id, "w", 600)).isZero();
			assertThat(claimedIds(claim("q", "reclaimer", 1, 60))).containsExactly(id);
		}

		@Test
		void claimExpiringThisSecondCanStillBeExtended() throws Exception {
			long id = claimedJob("w");

			long extended = OneSecond.run(connection, now -> {
				execute(connection, "UPDATE _honker_live SET claim_expires_at = ? WHERE id = ?", now, id);
				return heartbeat(id, "w", 30);
			});

			assertThat(extended).isEqualTo(1);
		}

	}

	@Nested
	class Cancel {

		@Test
		void cancelsPendingAndProcessingJobsIdempotently() throws Exception {
			long processing = claimedJob("w");
			long pending = enqueue("q", "{}");

			assertThat(cancel(pending)).isEqualTo(1);
			assertThat(cancel(processing)).isEqualTo(1);
			assertThat(cancel(processing)).isZero();
			assertThat(ack(processing, "w")).isZero();
			assertThat(heartbeat(processing, "w", 60)).isZero();
			assertThat(queryLong(connection, "SELECT count(*) FROM _honker_live")).isZero();
			assertThat(queryLong(connection, "SELECT count(*) FROM _honker_dead")).isZero();
		}

		@Test
		void deadJobsCannotBeCancelled() throws Exception {
			long id = claimedJob("w");
			fail(id, "w", "gone");

			assertThat(cancel(id)).isZero();
			assertThat(queryLong(connection, "SELECT count(*) FROM _honker_dead")).isEqualTo(1);
		}

	}

	@Nested
	class GetJob {

		@Test
		void pendingJobAsExactJson() throws Exception {
			long id = enqueue("q", "{\"a\":\"x\\\"y\"}", null, null, 7, 4, 5L);
			execute(connection,
					"UPDATE _honker_live SET run_at = 1000, created_at = 900, expires_at = 2000 WHERE id = ?", id);

			assertThat(getJob(id)).isEqualTo("{\"attempts\":0,\"claim_expires_at\":null,\"created_at\":900,"
					+ "\"expires_at\":2000,\"id\":1,\"max_attempts\":4,\"payload\":\"{\\\"a\\\":\\\"x\\\\\\\"y\\\"}\","
					+ "\"priority\":7,\"queue\":\"q\",\"run_at\":1000,\"state\":\"pending\",\"worker_id\":null}");
		}

		@Test
		void processingJobAsExactJson() throws Exception {
			long id = claimedJob("w-1");
			execute(connection,
					"UPDATE _honker_live SET run_at = 10, created_at = 5, claim_expires_at = 1500 WHERE id = ?", id);

			assertThat(getJob(id)).isEqualTo("{\"attempts\":1,\"claim_expires_at\":1500,\"created_at\":5,"
					+ "\"expires_at\":null,\"id\":1,\"max_attempts\":3,\"payload\":\"{}\",\"priority\":0,\"queue\":\"q\","
					+ "\"run_at\":10,\"state\":\"processing\",\"worker_id\":\"w-1\"}");
		}

		@Test
		void missIsAnEmptyStringNotNull() throws Exception {
			long acked = claimedJob("w");
			ack(acked, "w");
			long dead = claimedJob("w");
			fail(dead, "w", "x");
			long cancelled = enqueue("q", "{}");
			cancel(cancelled);

			for (long id : new long[] { acked, dead, cancelled, 999 }) {
				assertThat(
						queryString(connection, "SELECT typeof(honker_get_job(?)) || ':' || honker_get_job(?)", id, id))
					.as("job %d", id)
					.isEqualTo("text:");
			}
		}

	}

	@Nested
	class SweepExpired {

		@Test
		void movesExpiredPendingJobsOfTheQueueToDead() throws Exception {
			long expired = enqueue("q", "{}", null, null, 0, 3, -10L);
			long alsoExpired = enqueue("q", "{}", null, null, 0, 3, -1L);
			enqueue("q", "{}", null, null, 0, 3, 100L);
			enqueue("q", "{}");
			enqueue("other", "{}", null, null, 0, 3, -10L);
			long processing = enqueue("q", "{}", null, null, 9, 3, 100L);
			claim("q", "w", 1, 60);
			execute(connection, "UPDATE _honker_live SET expires_at = unixepoch() - 10 WHERE id = ?", processing);

			assertThat(queryLong(connection, "SELECT honker_sweep_expired('q')")).isEqualTo(2);

			assertThat(deadErrors()).containsExactly(List.of((int) expired, "expired"),
					List.of((int) alsoExpired, "expired"));
			assertThat(queryLong(connection, "SELECT count(*) FROM _honker_live")).isEqualTo(4);
			assertThat(queryLong(connection, "SELECT honker_sweep_expired('q')")).isZero();
		}

		@Test
		void jobExpiringThisSecondIsSwept() throws Exception {
			long swept = OneSecond.run(connection, now -> {
				enqueue("q", "{}", null, null, 0, 3, 0L);
				enqueue("q", "{}", null, null, 0, 3, 1L);
				return queryLong(connection, "SELECT honker_sweep_expired('q')");
			});

			assertThat(swept).isEqualTo(1);
		}

	}

	@Nested
	class NextClaimAt {

		@Test
		void zeroWithoutAnyDeadline() throws Exception {
			assertThat(nextClaimAt("q")).isZero();
			enqueue("q", "{}", 1000L, null, 0, 3, null);
			assertThat(nextClaimAt("q")).as("a due job is no future deadline").isZero();
		}

		@Test
		void earliestFutureRunAtOrClaimExpiryPlusOne() throws Exception {
			long[] result = OneSecond.run(connection, now -> {
				enqueue("q", "{}", now + 50, null, 0, 3, null);
				enqueue("q", "{}", now + 40, null, 0, 3, null);
				enqueue("other", "{}", now + 1, null, 0, 3, null);
				long first = nextClaimAt("q");
				long claimed = enqueue("q", "{}");
				claim("q", "w", 1, 60);
				execute(connection, "UPDATE _honker_live SET claim_expires_at = ? WHERE id = ?", now + 20, claimed);
				return new long[] { now, first, nextClaimAt("q") };
			});

			assertThat(result[1]).isEqualTo(result[0] + 40);
			assertThat(result[2]).isEqualTo(result[0] + 21);
		}

		@Test
		void claimExpiringNowReportsNowPlusOne() throws Exception {
			long id = claimedJob("w");

			long[] result = OneSecond.run(connection, now -> {
				execute(connection, "UPDATE _honker_live SET claim_expires_at = ? WHERE id = ?", now, id);
				return new long[] { now, nextClaimAt("q") };
			});

			assertThat(result[1]).isEqualTo(result[0] + 1);
		}

		@Test
		void exhaustedExpiredAndLapsedRowsAreIgnored() throws Exception {
			long exhausted = enqueue("q", "{}", null, null, 0, 1, null);
			claim("q", "w", 1, 600);
			enqueue("q", "{}", null, 3600L, 0, 3, null);
			execute(connection, "UPDATE _honker_live SET expires_at = unixepoch() WHERE id <> ?", exhausted);
			long lapsed = enqueue("q", "{}", null, null, 5, 3, null);
			claim("q", "w", 1, 60);
			expireClaim(lapsed);

			assertThat(nextClaimAt("q")).isZero();
		}

	}

	/** A value observed inside {@link OneSecond}, with the second it was observed in. */
	record Timed<T>(long now, T value) {
	}

	long enqueue(String queue, String payload) throws SQLException {
		return enqueue(queue, payload, null, null, 0, 3, null);
	}

	long enqueue(String queue, String payload, Long runAt, Long delay, long priority, long maxAttempts, Long expires)
			throws SQLException {
		return queryLong(connection, "SELECT honker_enqueue(?, ?, ?, ?, ?, ?, ?)", queue, payload, runAt, delay,
				priority, maxAttempts, expires);
	}

	String claim(String queue, String worker, long n, long timeout) throws SQLException {
		return queryString(connection, "SELECT honker_claim_batch(?, ?, ?, ?)", queue, worker, n, timeout);
	}

	/**
	 * Enqueues one job on queue 'q' and claims it for {@code worker} with a 60 s claim.
	 */
	long claimedJob(String worker) throws SQLException {
		long id = enqueue("q", "{}");
		assertThat(claimedIds(claim("q", worker, 1, 60))).containsExactly(id);
		return id;
	}

	List<Long> claimedIds(String claimJson) throws SQLException {
		return queryRows(connection, "SELECT value ->> 'id' FROM json_each(?) ORDER BY key", claimJson).stream()
			.map(row -> ((Number) row.get(0)).longValue())
			.toList();
	}

	long ack(long id, String worker) throws SQLException {
		return queryLong(connection, "SELECT honker_ack(?, ?)", id, worker);
	}

	long retry(long id, String worker, long delay, String error) throws SQLException {
		return queryLong(connection, "SELECT honker_retry(?, ?, ?, ?)", id, worker, delay, error);
	}

	long fail(long id, String worker, String error) throws SQLException {
		return queryLong(connection, "SELECT honker_fail(?, ?, ?)", id, worker, error);
	}

	long heartbeat(long id, String worker, long extend) throws SQLException {
		return queryLong(connection, "SELECT honker_heartbeat(?, ?, ?)", id, worker, extend);
	}

	long cancel(long id) throws SQLException {
		return queryLong(connection, "SELECT honker_cancel(?)", id);
	}

	String getJob(long id) throws SQLException {
		return queryString(connection, "SELECT honker_get_job(?)", id);
	}

	long nextClaimAt(String queue) throws SQLException {
		return queryLong(connection, "SELECT honker_queue_next_claim_at(?)", queue);
	}

	/** Moves a claim's expiry one second into the past, as if its worker had stalled. */
	void expireClaim(long id) throws SQLException {
		execute(connection, "UPDATE _honker_live SET claim_expires_at = unixepoch() - 1 WHERE id = ?", id);
	}

	void assertHeldWithTimeLeft(long id, String worker) throws SQLException {
		assertThat(column(id, "worker_id")).isEqualTo(worker);
		assertThat(queryLong(connection, "SELECT claim_expires_at > unixepoch() FROM _honker_live WHERE id = ?", id))
			.isEqualTo(1);
	}

	Object column(long id, String column) throws SQLException {
		Object value = queryRows(connection, "SELECT " + column + " FROM _honker_live WHERE id = ?", id).get(0).get(0);
		return value instanceof Integer small ? Long.valueOf(small) : value;
	}

	List<List<Object>> deadErrors() throws SQLException {
		return queryRows(connection, "SELECT id, last_error FROM _honker_dead ORDER BY id");
	}

}
