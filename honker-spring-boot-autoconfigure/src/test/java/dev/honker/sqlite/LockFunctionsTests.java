package dev.honker.sqlite;

import static dev.honker.sqlite.SqlAssertions.*;
import static dev.honker.sqlite.TestDatabase.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code honker_lock_acquire}, {@code honker_lock_release} and {@code honker_lock_renew}
 * (docs/compatibility.md, Locks, rate limits, results): ownership, expiry at
 * {@code expires_at <= now}, no TTL refresh on re-acquire, owner-scoped renew,
 * transactions, and locks shared between connections and processes (argument typing:
 * {@link StrictTypingTests}). Time moves by rewriting {@code expires_at}, never by
 * sleeping.
 */
class LockFunctionsTests {

	@TempDir
	Path dir;

	Connection db;

	@BeforeEach
	void open() throws Exception {
		db = TestDatabase.open(dir.resolve("locks.db"));
	}

	@AfterEach
	void close() throws Exception {
		db.close();
	}

	@Test
	void acquireReleaseAndReacquireFollowOwnership() throws Exception {
		long before = now(db);
		assertThat(acquire("jobs", "alice", 60)).isEqualTo(1);
		long after = now(db);
		List<Object> row = queryRows(db, "SELECT name, owner, expires_at FROM _honker_locks").get(0);
		assertThat(row.subList(0, 2)).containsExactly("jobs", "alice");
		assertThat(((Number) row.get(2)).longValue()).isBetween(before + 60, after + 60);

		assertThat(acquire("jobs", "bob", 60)).as("held by another owner").isZero();
		assertThat(release("jobs", "bob")).as("releasing someone else's lock").isZero();
		assertThat(ownerOf("jobs")).isEqualTo("alice");
		assertThat(release("jobs", "alice")).isEqualTo(1);
		assertThat(queryLong(db, "SELECT count(*) FROM _honker_locks")).isZero();
		assertThat(release("jobs", "alice")).as("releasing a free lock").isZero();
		assertThat(acquire("jobs", "bob", 60)).as("free again after release").isEqualTo(1);
		assertThat(ownerOf("jobs")).isEqualTo("bob");
	}

	@Test
	void locksWithDifferentNamesAreIndependent() throws Exception {
		assertThat(acquire("a", "alice", 60)).isEqualTo(1);
		assertThat(acquire("b", "bob", 60)).isEqualTo(1);
		assertThat(release("a", "alice")).isEqualTo(1);
		assertThat(ownerOf("b")).isEqualTo("bob");
	}

	@Test
	void sameOwnerReacquireSucceedsWithoutExtendingTheLock() throws Exception {
		assertThat(acquire("jobs", "alice", 60)).isEqualTo(1);
		execute(db, "UPDATE _honker_locks SET expires_at = unixepoch() + 10");
		long expiresAt = expiresAt("jobs");

		assertThat(acquire("jobs", "alice", 3600)).isEqualTo(1);
		assertThat(expiresAt("jobs")).isEqualTo(expiresAt);
	}

	@Test
	void aLockThatExpiredAnHourAgoIsTakenByTheNextCaller() throws Exception {
		assertThat(acquire("jobs", "alice", 3600)).isEqualTo(1);
		execute(db, "UPDATE _honker_locks SET expires_at = unixepoch() - 3600");
		long before = now(db);

		assertThat(acquire("jobs", "bob", 60)).isEqualTo(1);
		assertThat(ownerOf("jobs")).isEqualTo("bob");
		assertThat(expiresAt("jobs")).isBetween(before + 60, now(db) + 60);
		assertThat(release("jobs", "alice")).as("the old owner's release is a no-op").isZero();
		assertThat(ownerOf("jobs")).isEqualTo("bob");
	}

	@Test
	void aLockExpiresAtItsExpiryInstant() throws Exception {
		assertThat(acquire("jobs", "alice", 60)).isEqualTo(1);
		execute(db, "UPDATE _honker_locks SET expires_at = unixepoch() + 100");
		assertThat(acquire("jobs", "bob", 60)).as("still valid").isZero();

		execute(db, "UPDATE _honker_locks SET expires_at = unixepoch()");
		assertThat(acquire("jobs", "bob", 60)).as("expires_at <= now is free").isEqualTo(1);
	}

	@Test
	void anExpiredLockReacquiredByItsOwnerGetsAFreshTtl() throws Exception {
		assertThat(acquire("jobs", "alice", 60)).isEqualTo(1);
		execute(db, "UPDATE _honker_locks SET expires_at = unixepoch() - 1");
		long before = now(db);

		assertThat(acquire("jobs", "alice", 120)).isEqualTo(1);
		assertThat(expiresAt("jobs")).isBetween(before + 120, now(db) + 120);
	}

	@Test
	void acquireDoesNotValidateTheTtl() throws Exception {
		assertThat(acquire("zero", "alice", 0)).isEqualTo(1);
		assertThat(acquire("negative", "alice", -30)).isEqualTo(1);
		assertThat(expiresAt("negative")).isLessThan(now(db));

		assertThat(acquire("zero", "bob", 60)).as("a zero-TTL lock is already free").isEqualTo(1);
		assertThat(acquire("negative", "bob", 60)).isEqualTo(1);
	}

	@Test
	void renewExtendsOnlyTheOwnersLock() throws Exception {
		assertThat(acquire("jobs", "alice", 5)).isEqualTo(1);
		long before = now(db);
		assertThat(renew("jobs", "alice", 60)).isEqualTo(1);
		assertThat(expiresAt("jobs")).isBetween(before + 60, now(db) + 60);

		long expiresAt = expiresAt("jobs");
		assertThat(renew("jobs", "bob", 3600)).as("renew by another owner").isZero();
		assertThat(expiresAt("jobs")).isEqualTo(expiresAt);
		assertThat(renew("missing", "alice", 60)).isZero();
		assertThat(queryLong(db, "SELECT count(*) FROM _honker_locks")).isEqualTo(1);
	}

	@Test
	void renewRevivesAnExpiredLockNobodyTookButNotAStolenOne() throws Exception {
		assertThat(acquire("jobs", "alice", 60)).isEqualTo(1);
		execute(db, "UPDATE _honker_locks SET expires_at = unixepoch() - 5");
		assertThat(renew("jobs", "alice", 60)).as("expired but still alice's row").isEqualTo(1);
		assertThat(expiresAt("jobs")).isGreaterThan(now(db));

		execute(db, "UPDATE _honker_locks SET expires_at = unixepoch() - 5");
		assertThat(acquire("jobs", "bob", 60)).isEqualTo(1);
		assertThat(renew("jobs", "alice", 60)).as("renew after the lock was stolen").isZero();
		assertThat(ownerOf("jobs")).isEqualTo("bob");
	}

	@Test
	void renewRejectsANonPositiveTtlAndChangesNothing() throws Exception {
		assertThat(acquire("jobs", "alice", 60)).isEqualTo(1);
		List<List<Object>> before = rowsOf(db, "_honker_locks");

		assertError(db, "SELECT honker_lock_renew('jobs', 'alice', 0)")
			.hasMessageContaining("honker_lock_renew: ttl_s must be positive, got 0");
		assertError(db, "SELECT honker_lock_renew('jobs', 'alice', -1)")
			.hasMessageContaining("ttl_s must be positive, got -1");
		assertThat(rowsOf(db, "_honker_locks")).isEqualTo(before);
	}

	@Test
	void rowsWrittenByAnotherBindingAreRespected() throws Exception {
		execute(db, "INSERT INTO _honker_locks (name, owner, expires_at) VALUES ('py', '0f3c9d2e', unixepoch() + 60)");
		assertThat(acquire("py", "jvm", 60)).isZero();
		assertThat(renew("py", "jvm", 60)).isZero();
		assertThat(release("py", "jvm")).isZero();
		assertThat(renew("py", "0f3c9d2e", 60)).isEqualTo(1);
		assertThat(release("py", "0f3c9d2e")).isEqualTo(1);

		execute(db,
				"INSERT INTO _honker_locks (name, owner, expires_at) VALUES ('stale', '0f3c9d2e', unixepoch() - 1)");
		assertThat(acquire("stale", "jvm", 60)).isEqualTo(1);
	}

	@Test
	void aRolledBackTransactionLeavesNoLockAndACommittedOneKeepsIt() throws Exception {
		db.setAutoCommit(false);
		assertThat(acquire("jobs", "alice", 60)).isEqualTo(1);
		db.rollback();
		assertThat(queryLong(db, "SELECT count(*) FROM _honker_locks")).isZero();

		assertThat(acquire("jobs", "alice", 60)).isEqualTo(1);
		assertError(db, "SELECT honker_lock_acquire('other', NULL, 60)").hasMessageContaining("honker_lock_acquire");
		db.commit();
		db.setAutoCommit(true);
		assertThat(ownerOf("jobs")).as("a failed call kept the transaction's earlier work").isEqualTo("alice");
	}

	@Test
	void aFailingAcquireUndoesItsExpiredLockCleanup() throws Exception {
		execute(db, "INSERT INTO _honker_locks (name, owner, expires_at) VALUES ('boom', 'alice', unixepoch() - 1)");
		execute(db, """
				CREATE TRIGGER refuse_boom BEFORE INSERT ON _honker_locks WHEN NEW.name = 'boom'
				BEGIN SELECT RAISE(ABORT, 'boom locks are refused'); END""");
		List<List<Object>> before = rowsOf(db, "_honker_locks");

		assertError(db, "SELECT honker_lock_acquire('boom', 'bob', 60)").hasMessageContaining("honker_lock_acquire")
			.hasMessageContaining("boom locks are refused");
		assertThat(rowsOf(db, "_honker_locks")).as("autocommit: the expired row is back").isEqualTo(before);

		db.setAutoCommit(false);
		assertThat(acquire("kept", "bob", 60)).isEqualTo(1);
		assertError(db, "SELECT honker_lock_acquire('boom', 'bob', 60)").hasMessageContaining("boom locks are refused");
		db.commit();
		db.setAutoCommit(true);
		assertThat(ownerOf("boom")).isEqualTo("alice");
		assertThat(ownerOf("kept")).isEqualTo("bob");
	}

	@Test
	void twoConnectionsOnOneFileSeeEachOthersLocks() throws Exception {
		try (Connection other = TestDatabase.open(dir.resolve("locks.db"))) {
			assertThat(acquire("jobs", "alice", 60)).isEqualTo(1);
			assertThat(queryLong(other, "SELECT honker_lock_acquire('jobs', 'bob', 60)")).isZero();
			assertThat(release("jobs", "alice")).isEqualTo(1);
			assertThat(queryLong(other, "SELECT honker_lock_acquire('jobs', 'bob', 60)")).isEqualTo(1);
			assertThat(acquire("jobs", "alice", 60)).isZero();
			assertThat(renew("jobs", "alice", 60)).isZero();
			assertThat(queryLong(other, "SELECT honker_lock_renew('jobs', 'bob', 60)")).isEqualTo(1);
		}
	}

	@Test
	void aLockHeldByAProcessThatExitedWithoutReleasingBlocksUntilItExpires() throws Exception {
		assertThat(SeparateJvm.run(dir.resolve("locks.db"), "SELECT honker_lock_acquire('leader', 'child', 2)"))
			.isEqualTo("1");
		execute(db, "UPDATE _honker_locks SET expires_at = unixepoch() + 60");
		assertThat(acquire("leader", "parent", 60)).isZero();

		execute(db, "UPDATE _honker_locks SET expires_at = unixepoch() - 1");
		assertThat(acquire("leader", "parent", 60)).isEqualTo(1);
		assertThat(SeparateJvm.run(dir.resolve("locks.db"), "SELECT honker_lock_acquire('leader', 'child', 2)"))
			.as("and the parent's lock blocks the next process")
			.isEqualTo("0");
	}

	private long acquire(String name, String owner, long ttl) throws Exception {
		return queryLong(db, "SELECT honker_lock_acquire(?, ?, ?)", name, owner, ttl);
	}

	private long release(String name, String owner) throws Exception {
		return queryLong(db, "SELECT honker_lock_release(?, ?)", name, owner);
	}

	private long renew(String name, String owner, long ttl) throws Exception {
		return queryLong(db, "SELECT honker_lock_renew(?, ?, ?)", name, owner, ttl);
	}

	private String ownerOf(String name) throws Exception {
		return queryString(db, "SELECT owner FROM _honker_locks WHERE name = ?", name);
	}

	private long expiresAt(String name) throws Exception {
		return queryLong(db, "SELECT expires_at FROM _honker_locks WHERE name = ?", name);
	}

}
