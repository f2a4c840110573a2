package dev.honker.spring.boot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.honker.spring.listener.AckMode;
import dev.honker.spring.stream.StreamFailureAction;
import dev.honker.spring.stream.StreamOffsetMode;
import org.jspecify.annotations.Nullable;
import dev.honker.spring.watch.WatcherMode;

/**
 * Configuration of Honker, under the {@code honker} prefix.
 */
@ConfigurationProperties("honker")
public class HonkerProperties {

	/**
	 * Whether to enable Honker on a SQLite DataSource.
	 */
	private boolean enabled = true;

	/**
	 * When to create the Honker schema with honker_bootstrap(): once at startup, on every
	 * new connection, or never (leave it to your own migrations).
	 */
	private BootstrapMode bootstrap = BootstrapMode.STARTUP;

	private final Extension extension = new Extension();

	private final Sqlite sqlite = new Sqlite();

	private final Watcher watcher = new Watcher();

	private final Listener listener = new Listener();

	private final Scheduler scheduler = new Scheduler();

	private final Notifications notifications = new Notifications();

	private final Stream stream = new Stream();

	private final Events events = new Events();

	private final Stats stats = new Stats();

	private final Health health = new Health();

	private final Tracing tracing = new Tracing();

	private final Dashboard dashboard = new Dashboard();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public BootstrapMode getBootstrap() {
		return this.bootstrap;
	}

	public void setBootstrap(BootstrapMode bootstrap) {
		this.bootstrap = bootstrap;
	}

	public Extension getExtension() {
		return this.extension;
	}

	public Sqlite getSqlite() {
		return this.sqlite;
	}

	public Watcher getWatcher() {
		return this.watcher;
	}

	public Listener getListener() {
		return this.listener;
	}

	public Scheduler getScheduler() {
		return this.scheduler;
	}

	public Notifications getNotifications() {
		return this.notifications;
	}

	public Stream getStream() {
		return this.stream;
	}

	public Events getEvents() {
		return this.events;
	}

	public Stats getStats() {
		return this.stats;
	}

	public Health getHealth() {
		return this.health;
	}

	public Tracing getTracing() {
		return this.tracing;
	}

	public Dashboard getDashboard() {
		return this.dashboard;
	}

	/** When honker_bootstrap() runs. */
	public enum BootstrapMode {

		/** Once, when the application context starts. */
		STARTUP,
		/**
		 * On every new pooled connection, through Hikari's connection-init-sql (for
		 * development).
		 */
		CONNECT,
		/** Never: the schema comes from the application's own migrations. */
		NONE

	}

	/** SQLite's journal modes, as {@code PRAGMA journal_mode} sets them. */
	public enum JournalMode {

		/**
		 * Write-ahead log: readers and the one writer work at the same time. Recommended
		 * for Honker.
		 */
		WAL,

		/** Rollback journal, deleted after each transaction (SQLite's default). */
		DELETE,

		/** Rollback journal, truncated after each transaction. */
		TRUNCATE,

		/** Rollback journal, its header zeroed after each transaction. */
		PERSIST,

		/** Rollback journal kept in memory; a crash can corrupt the database. */
		MEMORY,

		/** No rollback journal; ROLLBACK and crashes can corrupt the database. */
		OFF

	}

	/** Where the Honker SQL functions come from. */
	public static class Extension {

		/**
		 * Path to a native libhonker_ext shared library to load on every connection
		 * instead of the embedded Java functions. When unset, the embedded functions are
		 * used.
		 */
		private @Nullable Path path;

		/**
		 * Entry point of the native extension.
		 */
		private String entryPoint = "sqlite3_honkerext_init";

		public @Nullable Path getPath() {
			return this.path;
		}

		public void setPath(@Nullable Path path) {
			this.path = path;
		}

		public String getEntryPoint() {
			return this.entryPoint;
		}

		public void setEntryPoint(String entryPoint) {
			this.entryPoint = entryPoint;
		}

	}

	/**
	 * Opt-in PRAGMAs for the application's connections; when unset, Honker leaves them
	 * alone.
	 */
	public static class Sqlite {

		/**
		 * Journal mode to set on every pooled connection, for example WAL. When unset,
		 * the connection's own setting is kept.
		 */
		private @Nullable JournalMode journalMode;

		/**
		 * Busy timeout to set on every pooled connection. When unset, the connection's
		 * own setting is kept.
		 */
		private @Nullable Duration busyTimeout;

		public @Nullable JournalMode getJournalMode() {
			return this.journalMode;
		}

		public void setJournalMode(@Nullable JournalMode journalMode) {
			this.journalMode = journalMode;
		}

		public @Nullable Duration getBusyTimeout() {
			return this.busyTimeout;
		}

		public void setBusyTimeout(@Nullable Duration busyTimeout) {
			this.busyTimeout = busyTimeout;
		}

	}

	/** The commit watcher that wakes listeners. */
	public static class Watcher {

		/**
		 * What wakes the watcher to read PRAGMA data_version: file events on the
		 * database's directory with a slow safety poll (events), a fixed poll (poll), or
		 * events where the JDK receives them from the kernel on a local file system and
		 * the poll elsewhere (auto).
		 */
		private WatcherMode mode = WatcherMode.AUTO;

		/**
		 * How often the watcher reads PRAGMA data_version on its own connection in poll
		 * mode, and for a short while after each file event in events mode.
		 */
		private Duration pollInterval = Duration.ofMillis(1);

		/**
		 * How often the watcher reads PRAGMA data_version in events mode when no file
		 * event arrives: the longest a missed event can delay a wake. Each such read
		 * wakes an idle worker, which is most of its idle CPU.
		 */
		private Duration safetyPollInterval = Duration.ofMillis(100);

		/**
		 * How often the watcher checks that the database file has not been replaced.
		 */
		private Duration identityCheckInterval = Duration.ofMillis(100);

		/**
		 * Whether a JVM that runs the watcher (a worker) also checkpoints the WAL from a
		 * thread of its own (PRAGMA wal_checkpoint(PASSIVE), in WAL mode only), each time
		 * three quarters of the application's wal_autocheckpoint pages have been written,
		 * so that commits rarely run SQLite's automatic checkpoint themselves. Never when
		 * wal_autocheckpoint is 0.
		 */
		private boolean backgroundCheckpoint = true;

		public WatcherMode getMode() {
			return this.mode;
		}

		public void setMode(WatcherMode mode) {
			this.mode = mode;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public Duration getSafetyPollInterval() {
			return this.safetyPollInterval;
		}

		public void setSafetyPollInterval(Duration safetyPollInterval) {
			this.safetyPollInterval = safetyPollInterval;
		}

		public Duration getIdentityCheckInterval() {
			return this.identityCheckInterval;
		}

		public void setIdentityCheckInterval(Duration identityCheckInterval) {
			this.identityCheckInterval = identityCheckInterval;
		}

		public boolean isBackgroundCheckpoint() {
			return this.backgroundCheckpoint;
		}

		public void setBackgroundCheckpoint(boolean backgroundCheckpoint) {
			this.backgroundCheckpoint = backgroundCheckpoint;
		}

	}

	/**
	 * Defaults for {@code @HonkerListener} containers; an annotation attribute overrides
	 * them.
	 */
	public static class Listener {

		/**
		 * Whether listener containers start with the application context.
		 */
		private boolean autoStartup = true;

		/**
		 * Number of handler threads per listener.
		 */
		private int concurrency = 1;

		/**
		 * How long a claimed job stays invisible to other workers before it may be
		 * reclaimed. Whole seconds.
		 */
		private Duration visibilityTimeout = Duration.ofSeconds(300);

		/**
		 * Slowest re-check of a queue when no commit or deadline wakes the listener; a
		 * safety net.
		 */
		private Duration idlePollInterval = Duration.ofSeconds(5);

		/**
		 * How long shutdown waits for running handlers before leaving their claims to
		 * expire.
		 */
		private Duration shutdownTimeout = Duration.ofSeconds(30);

		/**
		 * When a job is acknowledged: after the handler returns, or in one transaction
		 * with the handler's own database writes.
		 */
		private AckMode ackMode = AckMode.AFTER_HANDLER;

		/**
		 * Exception types (fully qualified class names) that are never retried, with
		 * their subclasses and the exceptions they cause: the job goes straight to the
		 * dead table.
		 */
		private List<Class<? extends Throwable>> nonRetryableExceptions = new ArrayList<>();

		private final Backoff backoff = new Backoff();

		public boolean isAutoStartup() {
			return this.autoStartup;
		}

		public void setAutoStartup(boolean autoStartup) {
			this.autoStartup = autoStartup;
		}

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

		public Duration getVisibilityTimeout() {
			return this.visibilityTimeout;
		}

		public void setVisibilityTimeout(Duration visibilityTimeout) {
			this.visibilityTimeout = visibilityTimeout;
		}

		public Duration getIdlePollInterval() {
			return this.idlePollInterval;
		}

		public void setIdlePollInterval(Duration idlePollInterval) {
			this.idlePollInterval = idlePollInterval;
		}

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

		public AckMode getAckMode() {
			return this.ackMode;
		}

		public void setAckMode(AckMode ackMode) {
			this.ackMode = ackMode;
		}

		public List<Class<? extends Throwable>> getNonRetryableExceptions() {
			return this.nonRetryableExceptions;
		}

		public void setNonRetryableExceptions(List<Class<? extends Throwable>> nonRetryableExceptions) {
			this.nonRetryableExceptions = nonRetryableExceptions;
		}

		public Backoff getBackoff() {
			return this.backoff;
		}

	}

	/**
	 * Exponential backoff between attempts of a failed job. Honker schedules retries in
	 * whole seconds.
	 */
	public static class Backoff {

		/**
		 * Delay before the second attempt.
		 */
		private Duration initialInterval = Duration.ofSeconds(1);

		/**
		 * Factor applied to the delay after each further failed attempt.
		 */
		private double multiplier = 2.0;

		/**
		 * Longest delay between attempts.
		 */
		private Duration maxInterval = Duration.ofMinutes(5);

		/**
		 * Random share of each delay added or removed, between 0 and 1, to spread retries
		 * out.
		 */
		private double jitter = 0.1;

		public Duration getInitialInterval() {
			return this.initialInterval;
		}

		public void setInitialInterval(Duration initialInterval) {
			this.initialInterval = initialInterval;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMaxInterval() {
			return this.maxInterval;
		}

		public void setMaxInterval(Duration maxInterval) {
			this.maxInterval = maxInterval;
		}

		public double getJitter() {
			return this.jitter;
		}

		public void setJitter(double jitter) {
			this.jitter = jitter;
		}

	}

	/**
	 * Pruning of {@code _honker_notifications}, which worker apps (applications running
	 * at least one Honker listener) do on a thread of their own.
	 */
	public static class Notifications {

		/**
		 * Whether worker apps prune old notifications.
		 */
		private boolean pruningEnabled = true;

		/**
		 * Notifications older than this are deleted; whole seconds.
		 */
		private Duration maxAge = Duration.ofHours(1);

		/**
		 * At most this many of the latest notifications are kept, across all channels.
		 */
		private long maxCount = 10_000;

		/**
		 * Time between pruning rounds; count pruning also runs as soon as a tenth of
		 * max-count notifications may have arrived.
		 */
		private Duration pruneInterval = Duration.ofMinutes(1);

		public boolean isPruningEnabled() {
			return this.pruningEnabled;
		}

		public void setPruningEnabled(boolean pruningEnabled) {
			this.pruningEnabled = pruningEnabled;
		}

		public Duration getMaxAge() {
			return this.maxAge;
		}

		public void setMaxAge(Duration maxAge) {
			this.maxAge = maxAge;
		}

		public long getMaxCount() {
			return this.maxCount;
		}

		public void setMaxCount(long maxCount) {
			this.maxCount = maxCount;
		}

		public Duration getPruneInterval() {
			return this.pruneInterval;
		}

		public void setPruneInterval(Duration pruneInterval) {
			this.pruneInterval = pruneInterval;
		}

	}

	/** Sampling of the queue statistics for gauges and the health indicator. */
	public static class Stats {

		/**
		 * How often the queue statistics are read for the honker.queue.* gauges and the
		 * honker health indicator. Scrapes and health probes read the latest sample.
		 */
		private Duration sampleInterval = Duration.ofSeconds(10);

		public Duration getSampleInterval() {
			return this.sampleInterval;
		}

		public void setSampleInterval(Duration sampleInterval) {
			this.sampleInterval = sampleInterval;
		}

	}

	/**
	 * Defaults for {@code @HonkerStreamListener} consumers; an annotation attribute
	 * overrides them. Retries use the honker.listener.backoff settings.
	 */
	public static class Stream {

		/**
		 * Where a consumer that has saved no offset yet starts: earliest, latest, or an
		 * offset to start after.
		 */
		private String start = "earliest";

		/**
		 * When consumers save their offset: after each batch (at-least-once), or in the
		 * handler's transaction (exactly-once effects on the same database).
		 */
		private StreamOffsetMode offsetMode = StreamOffsetMode.AFTER_BATCH;

		/**
		 * Most events read, and handled before the offset is saved, at once.
		 */
		private int batchSize = 1000;

		/**
		 * Attempts per event before the failure action applies.
		 */
		private int maxAttempts = 3;

		/**
		 * What happens to an event that still fails after its last attempt: stop the
		 * consumer before it, or skip it and record it in honker_stream_skipped.
		 */
		private StreamFailureAction failureAction = StreamFailureAction.STOP;

		/**
		 * How long a consumer's lock lasts without renewal; another process with the same
		 * consumer name takes over about this long after the holder dies. Whole seconds.
		 */
		private Duration lockTtl = Duration.ofSeconds(30);

		public String getStart() {
			return this.start;
		}

		public void setStart(String start) {
			this.start = start;
		}

		public StreamOffsetMode getOffsetMode() {
			return this.offsetMode;
		}

		public void setOffsetMode(StreamOffsetMode offsetMode) {
			this.offsetMode = offsetMode;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public StreamFailureAction getFailureAction() {
			return this.failureAction;
		}

		public void setFailureAction(StreamFailureAction failureAction) {
			this.failureAction = failureAction;
		}

		public Duration getLockTtl() {
			return this.lockTtl;
		}

		public void setLockTtl(Duration lockTtl) {
			this.lockTtl = lockTtl;
		}

	}

	/** Thresholds of the honker health indicator. */
	public static class Health {

		/**
		 * Longest time the oldest claimable job of a queue may wait before the health is
		 * DOWN. When unset, the age is not checked.
		 */
		private @Nullable Duration maxOldestPendingAge;

		/**
		 * How many jobs of one queue may go to the dead table within the dead growth
		 * window before the health is DOWN. When unset, dead growth is not checked.
		 */
		private @Nullable Long maxDeadGrowth;

		/**
		 * The window over which dead growth is counted.
		 */
		private Duration deadGrowthWindow = Duration.ofMinutes(15);

		public @Nullable Duration getMaxOldestPendingAge() {
			return this.maxOldestPendingAge;
		}

		public void setMaxOldestPendingAge(@Nullable Duration maxOldestPendingAge) {
			this.maxOldestPendingAge = maxOldestPendingAge;
		}

		public @Nullable Long getMaxDeadGrowth() {
			return this.maxDeadGrowth;
		}

		public void setMaxDeadGrowth(@Nullable Long maxDeadGrowth) {
			this.maxDeadGrowth = maxDeadGrowth;
		}

		public Duration getDeadGrowthWindow() {
			return this.deadGrowthWindow;
		}

		public void setDeadGrowthWindow(Duration deadGrowthWindow) {
			this.deadGrowthWindow = deadGrowthWindow;
		}

	}

	/** Server-Sent Events of {@code HonkerEvents}. */
	public static class Events {

		/**
		 * How long an SSE emitter stays open before the browser reconnects; unset for
		 * Spring MVC's async request timeout.
		 */
		private @Nullable Duration timeout;

		public @Nullable Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(@Nullable Duration timeout) {
			this.timeout = timeout;
		}

	}

	/**
	 * The scheduler: the leader that fires schedules, and the schedules the application
	 * declares.
	 */
	public static class Scheduler {

		/**
		 * Whether this application takes part in scheduler leadership when it runs
		 * listeners: one process per database file fires the schedules, under the
		 * advisory lock 'honker-scheduler'.
		 */
		private boolean enabled = true;

		/**
		 * How long the leader's lock lasts unless renewed; after a crash, another process
		 * leads within this time. Whole seconds.
		 */
		private Duration lockTtl = Duration.ofSeconds(60);

		/**
		 * How often an idle leader renews its lock; shorter than the lock's time to live.
		 */
		private Duration lockRenewInterval = Duration.ofSeconds(30);

		/**
		 * Schedules to register at startup, by name. Registration is idempotent: an
		 * unchanged schedule keeps its next boundary and a paused one stays paused.
		 */
		private final Map<String, Schedule> schedules = new LinkedHashMap<>();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getLockTtl() {
			return this.lockTtl;
		}

		public void setLockTtl(Duration lockTtl) {
			this.lockTtl = lockTtl;
		}

		public Duration getLockRenewInterval() {
			return this.lockRenewInterval;
		}

		public void setLockRenewInterval(Duration lockRenewInterval) {
			this.lockRenewInterval = lockRenewInterval;
		}

		public Map<String, Schedule> getSchedules() {
			return this.schedules;
		}

	}

	/** A schedule declared in configuration. */
	public static class Schedule {

		/**
		 * Queue each firing enqueues a job on.
		 */
		private String queue;

		/**
		 * Schedule expression: 5-field cron (minute hour day-of-month month day-of-week),
		 * 6-field cron (seconds first), or '@every <n><unit>' with unit s, m, h or d.
		 * Cron runs in the leader process's local time zone.
		 */
		private String cron;

		/**
		 * Payload of the fired jobs, as JSON text, for example '{"kind":"daily"}'.
		 */
		private String payload = "null";

		/**
		 * Priority of the fired jobs; higher is claimed first.
		 */
		private int priority;

		/**
		 * How long each fired job stays claimable; whole seconds. Unset for never.
		 */
		private Duration expires;

		/**
		 * Attempts of each fired job.
		 */
		private int maxAttempts = 3;

		public String getQueue() {
			return this.queue;
		}

		public void setQueue(String queue) {
			this.queue = queue;
		}

		public String getCron() {
			return this.cron;
		}

		public void setCron(String cron) {
			this.cron = cron;
		}

		public String getPayload() {
			return this.payload;
		}

		public void setPayload(String payload) {
			this.payload = payload;
		}

		public int getPriority() {
			return this.priority;
		}

		public void setPriority(int priority) {
			this.priority = priority;
		}

		public Duration getExpires() {
			return this.expires;
		}

		public void setExpires(Duration expires) {
			this.expires = expires;
		}

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

	}

	/** Trace context propagation from enqueue to handler. */
	public static class Tracing {

		/**
		 * Whether to store the trace context of each enqueue beside the job (in the
		 * honker_spring_job_trace table), so the handler's span continues the enqueueing
		 * trace. Needs an ObservationRegistry with tracing.
		 */
		private boolean propagation = true;

		/**
		 * How often rows of jobs that ended (acknowledged by any binding, dead or
		 * cancelled) are deleted from the trace context table.
		 */
		private Duration cleanupInterval = Duration.ofSeconds(30);

		public boolean isPropagation() {
			return this.propagation;
		}

		public void setPropagation(boolean propagation) {
			this.propagation = propagation;
		}

		public Duration getCleanupInterval() {
			return this.cleanupInterval;
		}

		public void setCleanupInterval(Duration cleanupInterval) {
			this.cleanupInterval = cleanupInterval;
		}

	}

	/** The dashboard page. */
	public static class Dashboard {

		/**
		 * Whether to serve the dashboard page and its JSON API (needs Spring MVC). Put it
		 * behind your application's security before enabling it on a reachable address.
		 */
		private boolean enabled = false;

		/**
		 * The path of the dashboard page; its JSON API and assets are below it.
		 */
		private String path = "/honker";

		/**
		 * The shortest time between two live updates of an open page; commits in between
		 * are shown together by the next update.
		 */
		private Duration updateInterval = Duration.ofSeconds(1);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public Duration getUpdateInterval() {
			return this.updateInterval;
		}

		public void setUpdateInterval(Duration updateInterval) {
			this.updateInterval = updateInterval;
		}

	}

}
