package dev.honker.spring.scheduler;

import org.jspecify.annotations.Nullable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import dev.honker.spring.core.HonkerDialect;

/**
 * The database work of the scheduler leader, through the Honker SQL functions. Writes run
 * in their own {@code BEGIN IMMEDIATE} transaction on a pooled connection, as every
 * Honker binding does; reads run in auto-commit.
 */
final class LeaderStore {

	private final DataSource dataSource;

	private final String lockName;

	private final DatabaseClock clock;

	/**
	 * A store whose reads of the lock and of the soonest boundary also read the
	 * database's time into {@code clock}.
	 */
	LeaderStore(DataSource dataSource, String lockName, DatabaseClock clock) {
		this.dataSource = dataSource;
		this.lockName = lockName;
		this.clock = clock;
	}

	/** Who holds the lock, or {@code null} if nobody does. */
	@Nullable LockRow lock() throws SQLException {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement select = connection
					.prepareStatement("SELECT l.owner, l.expires_at, t.now_ms FROM (SELECT "
							+ HonkerDialect.of(connection).nowMillis()
							+ " AS now_ms) t LEFT JOIN _honker_locks l ON l.name = ?")) {
			select.setString(1, this.lockName);
			long before = this.clock.hostMillis();
			try (ResultSet row = select.executeQuery()) {
				row.next();
				this.clock.observe(row.getLong(3), before, this.clock.hostMillis());
				String owner = row.getString(1);
				return (owner != null) ? new LockRow(owner, row.getLong(2)) : null;
			}
		}
	}

	boolean acquire(String owner, long ttlSeconds) throws SQLException {
		return immediate(connection -> call(connection, "SELECT honker_lock_acquire(?, ?, ?)", owner, ttlSeconds)) == 1;
	}

	boolean release(String owner) throws SQLException {
		return immediate(connection -> call(connection, "SELECT honker_lock_release(?, ?)", owner)) == 1;
	}

	/** The earliest next boundary of an enabled schedule, in Unix seconds; 0 if none. */
	long soonest() throws SQLException {
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement()) {
			long before = this.clock.hostMillis();
			try (ResultSet row = statement
				.executeQuery("SELECT honker_scheduler_soonest(), " + HonkerDialect.of(connection).nowMillis())) {
				row.next();
				this.clock.observe(row.getLong(2), before, this.clock.hostMillis());
				return row.getLong(1);
			}
		}
	}

	/**
	 * In one transaction: renews the lock, and if it is still {@code owner}'s, fires
	 * every boundary due at {@code now}, the database's time as the leader reads it (on
	 * PostgreSQL the database clock's own now, read by the tick).
	 * @return the outcome, or {@code null} when the lock was lost (nothing fired)
	 */
	@Nullable TickResult renewAndTick(String owner, long ttlSeconds, long now) throws SQLException {
		return immediate(connection -> {
			if (call(connection, "SELECT honker_lock_renew(?, ?, ?)", owner, ttlSeconds) != 1) {
				return null;
			}
			String fires;
			HonkerDialect dialect = HonkerDialect.of(connection);
			try (PreparedStatement tick = connection.prepareStatement((dialect == HonkerDialect.SQLITE)
					? "SELECT honker_scheduler_tick(?)" : "SELECT honker_scheduler_tick(" + dialect.now() + ")")) {
				if (dialect == HonkerDialect.SQLITE) {
					tick.setLong(1, now);
				}
				try (ResultSet row = tick.executeQuery()) {
					row.next();
					fires = row.getString(1);
				}
			}
			long soonest;
			try (Statement statement = connection.createStatement();
					ResultSet row = statement.executeQuery("SELECT honker_scheduler_soonest()")) {
				row.next();
				soonest = row.getLong(1);
			}
			return new TickResult(fires, soonest);
		});
	}

	private long call(Connection connection, String sql, Object... arguments) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setString(1, this.lockName);
			for (int i = 0; i < arguments.length; i++) {
				if (arguments[i] instanceof Long number) {
					statement.setLong(i + 2, number);
				}
				else {
					statement.setString(i + 2, (String) arguments[i]);
				}
			}
			try (ResultSet row = statement.executeQuery()) {
				row.next();
				return row.getLong(1);
			}
		}
	}

	private <T> T immediate(Work<T> work) throws SQLException {
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement()) {
			if (!connection.getAutoCommit()) {
				connection.setAutoCommit(true);
			}
			statement.execute(HonkerDialect.of(connection).beginWrite());
			try {
				T result = work.run(connection);
				statement.execute("COMMIT");
				return result;
			}
			catch (SQLException | RuntimeException ex) {
				try {
					statement.execute("ROLLBACK");
				}
				catch (SQLException rollback) {
					ex.addSuppressed(rollback);
				}
				throw ex;
			}
		}
	}

	/** A row of {@code _honker_locks}. */
	record LockRow(String owner, long expiresAt) {
	}

	/** The fires of one tick (Honker's JSON array) and the next boundary after it. */
	record TickResult(String fires, long soonest) {
	}

	@FunctionalInterface
	private interface Work<T> {

		T run(Connection connection) throws SQLException;

	}

}
