package dev.honker.postgres;

import static dev.honker.postgres.PostgresTestDatabase.execute;
import static dev.honker.postgres.PostgresTestDatabase.queryLong;
import static dev.honker.postgres.PostgresTestDatabase.queryRows;
import static dev.honker.postgres.PostgresTestDatabase.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Locks, rate limits and results on PostgreSQL, rule by rule as
 * {@code dev.honker.sqlite.LockFunctionsTests}, {@code RateLimitFunctionsTests} and
 * {@code ResultFunctionsTests} pin them on SQLite (docs/compatibility.md, Locks, rate
 * limits, results).
 */
class PostgresLockRateLimitResultTests {

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
	class Locks {

		@Test
		void aFreeLockIsTakenWithItsTtlAndOthersAreRefused() throws Exception {
			long now = PostgresOneSecond.run(connection, (second) -> {
				assertThat(acquire("leader", "a", 60)).isEqualTo(1);
				return second;
			});

			assertThat(acquire("leader", "b", 60)).isZero();
			assertThat(queryRows(connection, "SELECT name, owner, expires_at FROM _honker_locks"))
				.containsExactly(Arrays.asList("leader", "a", now + 60));
		}

		@Test
		void acquiringAgainAsOwnerSucceedsWithoutExtending() throws Exception {
			acquire("leader", "a", 10);
			long expires = queryLong(connection, "SELECT expires_at FROM _honker_locks");
			execute(connection, "UPDATE _honker_locks SET expires_at = ?", expires - 5);

			assertThat(acquire("leader", "a", 600)).isEqualTo(1);
			assertThat(queryLong(connection, "SELECT expires_at FROM _honker_locks")).isEqualTo(expires - 5);
		}

		@Test
		void anExpiredLockIsFreeAtItsExpirySecond() throws Exception {
			acquire("leader", "a", 60);
			PostgresOneSecond.run(connection, (now) -> {
				execute(connection, "UPDATE _honker_locks SET expires_at = ?", now);
				assertThat(acquire("leader", "b", 30)).isEqualTo(1);
				return null;
			});

			assertThat(queryString(connection, "SELECT owner FROM _honker_locks")).isEqualTo("b");
		}

		@Test
		void onlyTheOwnerReleasesOrRenews() throws Exception {
			acquire("leader", "a", 10);

			assertThat(queryLong(connection, "SELECT honker_lock_renew('leader', 'b', 60)")).isZero();
			assertThat(queryLong(connection, "SELECT honker_lock_release('leader', 'b')")).isZero();
			long now = PostgresOneSecond.run(connection, (second) -> {
				assertThat(queryLong(connection, "SELECT honker_lock_renew('leader', 'a', 300)")).isEqualTo(1);
				return second;
			});
			assertThat(queryLong(connection, "SELECT expires_at FROM _honker_locks")).isEqualTo(now + 300);
			assertThat(queryLong(connection, "SELECT honker_lock_release('leader', 'a')")).isEqualTo(1);
			assertThat(queryLong(connection, "SELECT count(*) FROM _honker_locks")).isZero();
		}

		@Test
		void renewNeedsAPositiveTtl() {
			assertThatThrownBy(() -> queryLong(connection, "SELECT honker_lock_renew('leader', 'a', 0)"))
				.hasMessageContaining("honker_lock_renew: ttl_s must be positive, got 0");
		}

		@Test
		void twoConnectionsRacingForOneLockGetItOnce() throws Exception {
			try (Connection other = PostgresTestDatabase.connect(connection.getMetaData().getURL())) {
				connection.setAutoCommit(false);
				assertThat(acquire("leader", "a", 60)).isEqualTo(1);
				CompletableFuture<Long> theirs = CompletableFuture.supplyAsync(() -> {
					try {
						return queryLong(other, "SELECT honker_lock_acquire('leader', 'b', 60)");
					}
					catch (SQLException ex) {
						throw new IllegalStateException(ex);
					}
				});
				connection.commit();
				assertThat(theirs.get(30, TimeUnit.SECONDS)).isZero();
			}
			finally {
				connection.setAutoCommit(true);
			}
		}

		long acquire(String name, String owner, long ttl) throws SQLException {
			return queryLong(connection, "SELECT honker_lock_acquire(?, ?, ?)", name, owner, ttl);
		}

	}

	@Nested
	class RateLimits {

		@Test
		void countsUpToTheLimitInAnEpochAlignedWindowAndRefusalsDoNotCount() throws Exception {
			long now = PostgresOneSecond.run(connection, (second) -> {
				assertThat(tryOnce("api", 2, 3600)).isEqualTo(1);
				assertThat(tryOnce("api", 2, 3600)).isEqualTo(1);
				assertThat(tryOnce("api", 2, 3600)).isZero();
				assertThat(tryOnce("api", 2, 3600)).isZero();
				return second;
			});

			assertThat(queryRows(connection, "SELECT name, window_start, count FROM _honker_rate_limits"))
				.containsExactly(Arrays.asList("api", now / 3600 * 3600, 2L));
		}

		@Test
		void anOldWindowDoesNotCountAndIsSwept() throws Exception {
			long now = PostgresTestDatabase.now(connection);
			execute(connection, "INSERT INTO _honker_rate_limits VALUES ('api', ?, 5)", now / 60 * 60 - 7200);

			assertThat(tryOnce("api", 1, 60)).isEqualTo(1);
			assertThat(queryLong(connection, "SELECT honker_rate_limit_sweep(3600)")).isEqualTo(1);
			assertThat(queryLong(connection, "SELECT count(*) FROM _honker_rate_limits")).isEqualTo(1);
		}

		@Test
		void limitAndPerMustBePositive() {
			assertThatThrownBy(() -> tryOnce("api", 0, 60))
				.hasMessageContaining("honker_rate_limit_try: limit and per must be positive, got limit 0 and per 60");
			assertThatThrownBy(() -> tryOnce("api", 1, -1))
				.hasMessageContaining("limit and per must be positive, got limit 1 and per -1");
		}

		long tryOnce(String name, long limit, long per) throws SQLException {
			return queryLong(connection, "SELECT honker_rate_limit_try(?, ?, ?)", name, limit, per);
		}

	}

	@Nested
	class Results {

		@Test
		void aResultIsSavedReplacedAndReadUntilItExpires() throws Exception {
			long now = PostgresOneSecond.run(connection, (second) -> {
				assertThat(queryLong(connection, "SELECT honker_result_save(7, '{\"ok\":1}', 60)")).isEqualTo(1);
				return second;
			});
			execute(connection, "UPDATE _honker_results SET created_at = created_at - 100");
			assertThat(queryLong(connection, "SELECT honker_result_save(7, '{\"ok\":2}', 0)")).isEqualTo(1);

			assertThat(queryString(connection, "SELECT honker_result_get(7)")).isEqualTo("{\"ok\":2}");
			assertThat(queryRows(connection, "SELECT job_id, created_at, expires_at FROM _honker_results"))
				.as("a replacement keeps the first created_at; a ttl of 0 keeps it for ever")
				.containsExactly(Arrays.asList(7L, now - 100, null));
			assertThat(queryString(connection, "SELECT honker_result_get(8)")).isNull();
		}

		@Test
		void anExpiredResultIsHiddenThenSwept() throws Exception {
			queryLong(connection, "SELECT honker_result_save(1, 'old', 60)");
			queryLong(connection, "SELECT honker_result_save(2, 'kept', 60)");
			queryLong(connection, "SELECT honker_result_save(3, 'forever', 0)");
			PostgresOneSecond.run(connection, (now) -> {
				execute(connection, "UPDATE _honker_results SET expires_at = ? WHERE job_id = 1", now);
				assertThat(queryString(connection, "SELECT honker_result_get(1)")).isNull();
				assertThat(queryLong(connection, "SELECT honker_result_sweep()")).isEqualTo(1);
				return null;
			});

			assertThat(queryRows(connection, "SELECT job_id FROM _honker_results ORDER BY 1"))
				.containsExactly(Arrays.asList(2L), Arrays.asList(3L));
		}

	}

}
