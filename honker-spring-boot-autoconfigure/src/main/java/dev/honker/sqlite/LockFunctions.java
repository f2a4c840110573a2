package dev.honker.sqlite;

import java.sql.SQLException;
import java.util.List;

/**
 * Named advisory locks with a time-to-live: {@code honker_lock_acquire},
 * {@code honker_lock_release} and {@code honker_lock_renew}. A lock is one row of
 * {@code _honker_locks}; it is free once its {@code expires_at <= now}, and acquiring it
 * again as its owner does not extend it (renew does).
 */
final class LockFunctions {

	private static final String FREE_IF_EXPIRED = "DELETE FROM _honker_locks WHERE name = ?1 AND expires_at <= ?2";

	private static final String TAKE_IF_FREE = "INSERT OR IGNORE INTO _honker_locks (name, owner, expires_at) VALUES (?1, ?2, ?3 + ?4)";

	private static final String IS_OWNER = "SELECT owner = ?2 FROM _honker_locks WHERE name = ?1";

	private static final String RELEASE = "DELETE FROM _honker_locks WHERE name = ?1 AND owner = ?2";

	private static final String RENEW = "UPDATE _honker_locks SET expires_at = unixepoch() + ?3 WHERE name = ?1 AND owner = ?2";

	private LockFunctions() {
	}

	static void register(FunctionRegistrar registrar) throws SQLException {
		registrar.define("honker_lock_acquire", List.of("name", "owner", "ttl_s"), LockFunctions::acquire);
		registrar.define("honker_lock_release", List.of("name", "owner"),
				f -> f.resultLong(f.statements().update(RELEASE, f.text(0), f.text(1))));
		registrar.define("honker_lock_renew", List.of("name", "owner", "ttl_s"), f -> {
			String name = f.text(0);
			String owner = f.text(1);
			long ttl = HonkerTime.relative("ttl_s", f.integer(2));
			if (ttl <= 0) {
				throw new FunctionException("ttl_s must be positive, got " + ttl);
			}
			f.resultLong(f.statements().update(RENEW, name, owner, ttl));
		});
	}

	/**
	 * Frees the lock if it has expired, takes it if it is free, then answers whether
	 * {@code owner} holds it.
	 */
	private static void acquire(SqlFunction f) throws SQLException {
		String name = f.text(0);
		String owner = f.text(1);
		long ttl = HonkerTime.relative("ttl_s", f.integer(2));
		Statements statements = f.statements();
		long now = statements.now();
		f.resultLong(statements.inSavepoint(() -> {
			statements.update(FREE_IF_EXPIRED, name, now);
			statements.update(TAKE_IF_FREE, name, owner, now, ttl);
			return statements.queryLong(IS_OWNER, name, owner);
		}));
	}

}
