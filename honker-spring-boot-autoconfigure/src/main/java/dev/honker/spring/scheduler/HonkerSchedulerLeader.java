package dev.honker.spring.scheduler;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.log.LogAccessor;
import org.springframework.util.Assert;

import dev.honker.spring.watch.DatabaseWatcher;
import dev.honker.spring.watch.Subscription;
import dev.honker.spring.watch.WatcherFailedException;

/**
 * Fires the schedules of a database file, in at most one process at a time across every
 * process and language on the file: the one holding Honker's advisory lock
 * {@value #LOCK_NAME} (the lock the Python binding's scheduler takes).
 *
 * <p>
 * A process that does not hold the lock sleeps until the holder's lease runs out, or
 * until a commit (a released lock, for example), and then tries to take it. The leader
 * loops:
 * <ol>
 * <li>when a boundary is due, in one {@code BEGIN IMMEDIATE} transaction: renew the lock
 * (owner-scoped, {@code honker_lock_renew}), {@code honker_scheduler_tick(now)}, and read
 * {@code honker_scheduler_soonest()};</li>
 * <li>otherwise renew the lock once per renew interval;</li>
 * <li>sleep until the soonest boundary, the next renewal, or the next commit the commit
 * watcher sees (a new schedule, a resumed one), whichever comes first. There is no
 * polling.</li>
 * </ol>
 * A renewal that finds the lock taken by another process (after a pause longer than the
 * lease) is logged as a warning and the process stops ticking; it becomes a candidate
 * again. A boundary never fires twice: each tick runs in a write transaction that
 * advances the schedule's next boundary. After downtime, each schedule fires its missed
 * boundaries, at most 64, and skips the rest, as Honker 0.4 does. Stopping releases the
 * lock, so another process takes over at once; a killed leader's lease runs out after the
 * lock's time to live.
 */
public class HonkerSchedulerLeader implements SmartLifecycle {

	/** The advisory lock of the scheduler leader, shared with Honker's bindings. */
	public static final String LOCK_NAME = "honker-scheduler";

	private static final LogAccessor LOG = new LogAccessor(HonkerSchedulerLeader.class);

	private static final Duration RETRY_AFTER_ERROR = Duration.ofSeconds(1);

	/** How many fires of each schedule {@link #recentFires(String)} remembers. */
	public static final int RECENT_FIRES = 5;

	private final RecentFires fires = new RecentFires(RECENT_FIRES);

	private final DatabaseClock clock;

	private final LeaderStore store;

	private final Supplier<DatabaseWatcher> watcher;

	private final long ttlSeconds;

	private final Duration renewInterval;

	private final BooleanSupplier enabled;

	private final String owner = UUID.randomUUID().toString().replace("-", "");

	private final Object monitor = new Object();

	private @Nullable Thread thread;

	private volatile boolean running;

	private volatile boolean leader;

	/**
	 * Creates a leader candidate.
	 * @param dataSource the application's SQLite DataSource
	 * @param watcher the commit watcher of its file, looked up when the leader starts
	 * @param lockTtl how long the lock lasts unless renewed, whole seconds
	 * @param renewInterval how often an idle leader renews it; shorter than
	 * {@code lockTtl}
	 * @param enabled checked at start: whether this process takes part at all
	 */
	public HonkerSchedulerLeader(DataSource dataSource, Supplier<DatabaseWatcher> watcher, Duration lockTtl,
			Duration renewInterval, BooleanSupplier enabled) {
		this(dataSource, watcher, lockTtl, renewInterval, enabled, Clock.systemUTC());
	}

	/**
	 * Creates a leader candidate on a host whose clock is {@code hostClock}.
	 */
	HonkerSchedulerLeader(DataSource dataSource, Supplier<DatabaseWatcher> watcher, Duration lockTtl,
			Duration renewInterval, BooleanSupplier enabled, Clock hostClock) {
		Assert.notNull(dataSource, "dataSource must not be null");
		Assert.notNull(watcher, "watcher must not be null");
		Assert.notNull(enabled, "enabled must not be null");
		requireLease(lockTtl, renewInterval);
		this.clock = new DatabaseClock(hostClock);
		this.store = new LeaderStore(dataSource, LOCK_NAME, this.clock);
		this.watcher = watcher;
		this.ttlSeconds = lockTtl.getSeconds();
		this.renewInterval = renewInterval;
		this.enabled = enabled;
	}

	static void requireLease(Duration lockTtl, Duration renewInterval) {
		if (lockTtl == null || lockTtl.getSeconds() < 1 || lockTtl.getNano() != 0) {
			throw new IllegalArgumentException(
					"lock-ttl must be a whole number of seconds, at least 1s, got " + lockTtl);
		}
		if (renewInterval == null || renewInterval.isNegative() || renewInterval.isZero()
				|| renewInterval.compareTo(lockTtl) >= 0) {
			throw new IllegalArgumentException("lock-renew-interval must be positive and shorter than lock-ttl ("
					+ lockTtl + "), got " + renewInterval);
		}
	}

	/** The owner token this process writes into the lock row. */
	public String getOwner() {
		return this.owner;
	}

	/** Whether this process holds the scheduler lock now. */
	public boolean isLeader() {
		return this.leader;
	}

	/**
	 * The latest fires of a schedule made by this process while it led, newest first, at
	 * most {@value #RECENT_FIRES}; Honker's schedule table keeps only the next boundary,
	 * so fires made by another process are not known here.
	 * @param name the schedule's name
	 * @return the fires, empty if this process fired none of this schedule
	 */
	public List<ScheduleFire> recentFires(String name) {
		return this.fires.of(name);
	}

	@Override
	public void start() {
		synchronized (this.monitor) {
			if (this.running) {
				return;
			}
			if (!this.enabled.getAsBoolean()) {
				LOG.debug("Honker scheduler leader not started: this application runs no listeners");
				return;
			}
			this.running = true;
			Subscription subscription = this.watcher.get().subscribe();
			this.thread = new Thread(() -> run(subscription), "honker-scheduler");
			this.thread.setDaemon(true);
			this.thread.start();
		}
	}

	@Override
	public void stop() {
		Thread stopping;
		synchronized (this.monitor) {
			if (!this.running) {
				return;
			}
			this.running = false;
			stopping = this.thread;
			this.thread = null;
		}
		stopping.interrupt();
		try {
			stopping.join(Duration.ofSeconds(30).toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Starts after the listener containers, and stops before them. */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE - 50;
	}

	private void run(Subscription subscription) {
		LOG.debug(() -> "Honker scheduler candidate " + this.owner + " started");
		try (subscription) {
			long renewAt = Long.MIN_VALUE;
			while (this.running) {
				try {
					renewAt = this.leader ? lead(subscription, renewAt) : follow(subscription);
				}
				catch (InterruptedException ex) {
					break;
				}
				catch (WatcherFailedException ex) {
					LOG.error(ex, "Honker scheduler stops: the commit watcher failed");
					break;
				}
				catch (SQLException | RuntimeException ex) {
					LOG.warn(ex,
							"Honker scheduler: database error, retrying in " + RETRY_AFTER_ERROR.toSeconds() + "s");
					if (!pause(RETRY_AFTER_ERROR)) {
						break;
					}
				}
			}
		}
		finally {
			resign();
		}
	}

	/**
	 * Takes the lock if it is free or its lease ran out; otherwise sleeps until the lease
	 * ends or a commit. Times are the database's (see {@link DatabaseClock}).
	 * @return when the new leader renews next, in the database's Unix milliseconds
	 */
	private long follow(Subscription subscription) throws SQLException, InterruptedException {
		LeaderStore.LockRow lock = this.store.lock();
		long now = this.clock.nowMillis();
		if (lock == null || lock.expiresAt() <= Math.floorDiv(now, 1000) || lock.owner().equals(this.owner)) {
			if (this.store.acquire(this.owner, this.ttlSeconds)) {
				this.leader = true;
				LOG.info(() -> "Honker scheduler: this process leads (lock '" + LOCK_NAME + "', owner " + this.owner
						+ ")");
				return Long.MIN_VALUE;
			}
			lock = this.store.lock();
		}
		long waitMillis = this.ttlSeconds * 1000;
		if (lock != null) {
			waitMillis = Math.min(waitMillis, lock.expiresAt() * 1000 - this.clock.nowMillis());
		}
		subscription.await(null, Duration.ofMillis(Math.max(waitMillis, 0)));
		return Long.MIN_VALUE;
	}

	/**
	 * Ticks when a boundary is due (renewing the lock in the same transaction), renews
	 * when the renewal is due, then sleeps until the next of the two or a commit. Times
	 * are the database's (see {@link DatabaseClock}), so a boundary is due when the
	 * database's clock reaches it, whatever this host's clock says.
	 * @param renewAt when to renew, in the database's Unix milliseconds
	 * @return when to renew next
	 */
	private long lead(Subscription subscription, long renewAt) throws SQLException, InterruptedException {
		long soonest = this.store.soonest();
		long now = this.clock.nowMillis();
		if (now >= renewAt || (soonest != 0 && soonest * 1000 <= now)) {
			LeaderStore.TickResult result = this.store.renewAndTick(this.owner, this.ttlSeconds,
					Math.floorDiv(now, 1000));
			if (result == null) {
				this.leader = false;
				LOG.warn(() -> "Honker scheduler: lost the lock '" + LOCK_NAME + "' (owner " + this.owner
						+ ") to another process; this process stops ticking");
				return Long.MIN_VALUE;
			}
			if (!"[]".equals(result.fires())) {
				LOG.debug(() -> "Honker scheduler fired " + result.fires());
				this.fires.record(result.fires());
			}
			soonest = result.soonest();
			renewAt = now + this.renewInterval.toMillis();
		}
		long deadline = renewAt;
		if (soonest != 0 && soonest * 1000 < deadline) {
			deadline = soonest * 1000;
		}
		subscription.await(null, Duration.ofMillis(Math.max(deadline - this.clock.nowMillis(), 0)));
		return renewAt;
	}

	/** Releases the lock on the way out, so that another process takes over at once. */
	private void resign() {
		if (!this.leader) {
			return;
		}
		this.leader = false;
		try {
			this.store.release(this.owner);
			LOG.info(() -> "Honker scheduler: released the lock '" + LOCK_NAME + "'");
		}
		catch (SQLException | RuntimeException ex) {
			LOG.warn(ex, "Honker scheduler: cannot release the lock '" + LOCK_NAME + "'; it expires after "
					+ this.ttlSeconds + "s");
		}
	}

	private static boolean pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
			return true;
		}
		catch (InterruptedException ex) {
			return false;
		}
	}

}
