package dev.honker.sqlite;

import java.sql.SQLException;
import java.util.List;

/**
 * Named advisory locks with a time-to-live: {@code honker_lock_acquire}, {@code honker_lock_release}
 * and {@code honker_lock_renew}. A lock is one row of {@code _honker_locks}; it is free once its
 * {@code expires_at <= now}, and acquiring it again as its owner does not extend it (renew does).
 */
final class LockFunctions {

    private LockFunctions() {
    }

    static void register(FunctionRegistrar registrar) throws SQLException {
        registrar.define("honker_lock_acquire", List.of("name", "owner", "ttl_s"), LockFunctions::acquire);
        registrar.define("honker_lock_release", List.of("name", "owner"), f -> {
            String name = f.text(0);
            String owner = f.text(1);
            f.resultLong(f.statements().update("DELETE FROM _honker_locks WHERE name = ?1 AND owner = ?2", s -> {
                s.setString(1, name);
                s.setString(2, owner);
            }));
        });
        registrar.define("honker_lock_renew", List.of("name", "owner", "ttl_s"), f -> {
            String name = f.text(0);
            String owner = f.text(1);
            long ttl = f.integer(2);
            if (ttl <= 0) {
                throw new FunctionException("ttl_s must be positive, got " + ttl);
            }
            int renewed = f.statements().update(
                    "UPDATE _honker_locks SET expires_at = unixepoch() + ?3 WHERE name = ?1 AND owner = ?2", s -> {
                        s.setString(1, name);
                        s.setString(2, owner);
                        s.setLong(3, ttl);
                    });
            f.resultLong(renewed > 0 ? 1 : 0);
        });
    }

    /** Frees the lock if it has expired, takes it if it is free, then answers whether {@code owner} holds it. */
    private static void acquire(SqlFunction f) throws SQLException {
        String name = f.text(0);
        String owner = f.text(1);
        long ttl = f.integer(2);
        Statements statements = f.statements();
        long now = QueueFunctions.now(statements);
        f.resultLong(statements.inSavepoint(() -> {
            statements.update("DELETE FROM _honker_locks WHERE name = ?1 AND expires_at <= ?2", s -> {
                s.setString(1, name);
                s.setLong(2, now);
            });
            statements.update("INSERT OR IGNORE INTO _honker_locks (name, owner, expires_at) VALUES (?1, ?2, ?3 + ?4)",
                    s -> {
                        s.setString(1, name);
                        s.setString(2, owner);
                        s.setLong(3, now);
                        s.setLong(4, ttl);
                    });
            return statements.queryLong("SELECT owner = ?2 FROM _honker_locks WHERE name = ?1", s -> {
                s.setString(1, name);
                s.setString(2, owner);
            }, 0);
        }));
    }
}
