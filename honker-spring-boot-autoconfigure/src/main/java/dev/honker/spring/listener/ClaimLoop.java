package dev.honker.spring.listener;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

import dev.honker.spring.watch.Subscription;
import dev.honker.spring.watch.WatcherFailedException;
import org.jspecify.annotations.Nullable;

/**
 * One run of a listener container, from start to stop: a thread that claims jobs whenever
 * the commit watcher, a finishing handler, or a deadline wakes it, and hands them to its
 * {@link HandlerThreads}, at most {@code concurrency} at a time.
 *
 * <p>
 * Each pass acknowledges the jobs that finished since the last pass and claims up to the
 * free handler capacity, in one transaction. When the queue has fewer claimable jobs than
 * that, the thread sleeps until the next commit, until {@code honker_queue_next_claim_at}
 * (a delayed job falls due or a claim expires), or at most the idle poll interval. A
 * handler still running after a third of the visibility timeout gets heartbeats, about
 * every third of it.
 *
 * <p>
 * Stopping stops claiming, waits up to the shutdown timeout for running handlers while
 * still acknowledging the ones that finish, and then leaves the claims of the rest to
 * expire.
 */
final class ClaimLoop implements AbstractListenerContainer.Run {

	private static final Log logger = LogFactory.getLog(ClaimLoop.class);

	private static final Duration RETRY_AFTER_ERROR = Duration.ofSeconds(1);

	private static final long DRAIN_SLICE_MILLIS = 50;

	private static final long SETTLE_NANOS = 200_000;

	private final ListenerSettings settings;

	private final String workerId;

	private final JobStore store;

	private final JobInvoker invoker;

	private final Subscription subscription;

	private final BooleanSupplier paused;

	private final Consumer<Throwable> onFailure;

	private final HandlerThreads handlers;

	private final ScheduledThreadPoolExecutor heartbeats;

	private final Thread thread;

	private final Map<Long, Running> inFlight = new ConcurrentHashMap<>();

	private final Queue<Long> succeeded = new ConcurrentLinkedQueue<>();

	private volatile boolean stopping;

	private volatile boolean abandoned;

	private volatile boolean terminated;

	private Runnable afterStop = () -> {
	};

	private @Nullable Instant passedDeadline;

	/** Subscribes to the watcher at once, before the first claim reads the queue. */
	ClaimLoop(ListenerSettings settings, String workerId, JobStore store, JobInvoker invoker, Subscription subscription,
			HandlerThreads handlers, BooleanSupplier paused, Consumer<Throwable> onFailure) {
		this.settings = settings;
		this.workerId = workerId;
		this.store = store;
		this.invoker = invoker;
		this.subscription = subscription;
		this.paused = paused;
		this.onFailure = onFailure;
		this.handlers = handlers;
		CustomizableThreadFactory heartbeatThreads = new CustomizableThreadFactory(
				"honker-" + settings.id() + "-heartbeat-");
		heartbeatThreads.setDaemon(true);
		this.heartbeats = new ScheduledThreadPoolExecutor(1, heartbeatThreads);
		this.thread = new Thread(this::run, "honker-listener-" + settings.id());
	}

	void start() {
		long scan = this.settings.heartbeatInterval().toNanos() / 2;
		this.heartbeats.scheduleWithFixedDelay(this::heartbeatDue, scan, scan, TimeUnit.NANOSECONDS);
		this.thread.start();
	}

	/**
	 * Asks the loop to stop; {@code callback} runs once running handlers finished or were
	 * given up, at once if the loop has already ended (after a watcher failure).
	 */
	@Override
	public void stop(Runnable callback) {
		synchronized (this) {
			if (!this.terminated) {
				this.afterStop = callback;
				this.stopping = true;
				this.subscription.signal();
				return;
			}
		}
		callback.run();
	}

	/** Makes the loop look at the queue now, for example after a resume. */
	@Override
	public void wake() {
		this.subscription.signal();
	}

	@Override
	public boolean isRunning() {
		return !this.terminated;
	}

	String workerId() {
		return this.workerId;
	}

	private void run() {
		try {
			claimUntilStopped();
		}
		catch (WatcherFailedException ex) {
			logger.error("Honker listener '" + this.settings.id() + "' stops claiming: " + ex.getMessage(), ex);
			this.onFailure.accept(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException | Error ex) {
			logger.error("Honker listener '" + this.settings.id() + "' stops claiming after an unexpected error", ex);
			this.onFailure.accept(ex);
		}
		finally {
			drain();
		}
	}

	private void claimUntilStopped() throws InterruptedException {
		while (!this.stopping) {
			@Nullable Instant deadline;
			try {
				deadline = pass();
			}
			catch (SQLException | RuntimeException ex) {
				if (ex instanceof WatcherFailedException failed) {
					throw failed;
				}
				logger.warn("Honker listener '" + this.settings.id() + "': claiming from queue '"
						+ this.settings.queue() + "' failed; trying again in " + RETRY_AFTER_ERROR.toSeconds() + "s",
						ex);
				deadline = Instant.now().plus(RETRY_AFTER_ERROR);
			}
			if (!this.stopping) {
				this.subscription.await(deadline, this.settings.idlePollInterval());
			}
		}
	}

	/**
	 * Acknowledges, claims, dispatches; returns when to look again at the latest, or
	 * {@code null}.
	 */
	private @Nullable Instant pass() throws SQLException, InterruptedException {
		settle();
		int free = this.paused.getAsBoolean() ? 0 : this.settings.concurrency() - this.inFlight.size();
		List<Long> acks = takeSucceeded();
		if (acks.isEmpty() && free <= 0) {
			return null;
		}
		List<ClaimedJob> claimed = ackAndClaim(acks, free);
		claimed.forEach(this::dispatch);
		return free > 0 && claimed.size() < free ? nextDeadline() : null;
	}

	/**
	 * When some handlers have just finished (their acknowledgements wait) and others
	 * still run, waits a moment for those to finish too, so that one transaction
	 * acknowledges and claims for all of them. Fast handlers then share transactions; a
	 * slow one delays the next claim by at most {@link #SETTLE_NANOS}. A wake with no
	 * finished handler (a commit) claims at once.
	 */
	private void settle() throws InterruptedException {
		long end = System.nanoTime() + SETTLE_NANOS;
		while (!this.succeeded.isEmpty() && !this.inFlight.isEmpty()
				&& this.inFlight.size() < this.settings.concurrency() && System.nanoTime() - end < 0) {
			this.subscription.await(null, Duration.ofNanos(end - System.nanoTime()));
		}
	}

	private List<ClaimedJob> ackAndClaim(List<Long> acks, int limit) throws SQLException {
		JobStore.ClaimResult result;
		try {
			result = this.store.ackAndClaim(this.settings.queue(), this.workerId, acks, limit,
					this.settings.visibilitySeconds());
		}
		catch (SQLException | RuntimeException ex) {
			this.succeeded.addAll(acks);
			throw ex;
		}
		if (result.acked() < acks.size()) {
			logger.warn("Honker listener '" + this.settings.id() + "': " + (acks.size() - result.acked()) + " of "
					+ acks.size()
					+ " finished jobs had lost their claims before the acknowledgement (visibility timeout "
					+ this.settings.visibilitySeconds() + "s); they run again: " + acks);
		}
		return result.jobs();
	}

	private @Nullable Instant nextDeadline() throws SQLException {
		long next = this.store.nextClaimAt(this.settings.queue());
		if (next == 0) {
			return null;
		}
		Instant deadline = Instant.ofEpochSecond(next).plusMillis(1);
		if (deadline.isAfter(Instant.now())) {
			return deadline;
		}
		// A deadline already past that claimed nothing: wait for a wake instead of
		// spinning on it.
		boolean repeated = deadline.equals(this.passedDeadline);
		this.passedDeadline = deadline;
		return repeated ? null : deadline;
	}

	private void dispatch(ClaimedJob job) {
		this.inFlight.put(job.id(), new Running(job, System.nanoTime()));
		try {
			this.handlers.execute(() -> runJob(job));
		}
		catch (RejectedExecutionException ex) {
			this.inFlight.remove(job.id());
			logger.warn("Honker listener '" + this.settings.id() + "': the handler executor rejected job " + job.id()
					+ "; it runs again when its claim expires", ex);
		}
	}

	private void runJob(ClaimedJob job) {
		Running running = this.inFlight.get(job.id());
		running.handlerThread(Thread.currentThread());
		try {
			// A shared executor may start a task only after shutdown gave up on it: then
			// its
			// claim is left to expire, as the container's own pool would have dropped it.
			if (!this.abandoned && this.invoker.run(job, () -> this.abandoned)) {
				this.succeeded.add(job.id());
			}
		}
		finally {
			running.handlerThread(null);
			this.inFlight.remove(job.id());
			this.subscription.signal();
		}
	}

	/**
	 * Runs every sixth of the visibility timeout: extends the claim of each job whose
	 * handler has run for a third of it since its claim or last heartbeat, so a claim
	 * never gets closer than half the visibility timeout to expiring while its handler
	 * runs.
	 */
	private void heartbeatDue() {
		long now = System.nanoTime();
		long interval = this.settings.heartbeatInterval().toNanos();
		for (Running running : this.inFlight.values()) {
			if (now - running.lastBeat >= interval && !this.abandoned) {
				running.lastBeat = now;
				heartbeat(running.job);
			}
		}
	}

	private void heartbeat(ClaimedJob job) {
		try {
			if (this.store.heartbeat(job.id(), this.workerId, this.settings.visibilitySeconds())) {
				if (logger.isDebugEnabled()) {
					logger.debug("heartbeat extended the claim of job " + job.id());
				}
			}
			else {
				logger.warn("Honker listener '" + this.settings.id() + "': job " + job.id()
						+ " lost its claim while its handler was still running; it may run twice");
			}
		}
		catch (SQLException | RuntimeException ex) {
			logger.warn("Honker listener '" + this.settings.id() + "': heartbeat of job " + job.id()
					+ " failed; trying again shortly", ex);
		}
	}

	private List<Long> takeSucceeded() {
		List<Long> ids = new ArrayList<>();
		for (Long id = this.succeeded.poll(); id != null; id = this.succeeded.poll()) {
			ids.add(id);
		}
		return ids;
	}

	private void flushAcks() {
		List<Long> acks = takeSucceeded();
		if (!acks.isEmpty()) {
			try {
				ackAndClaim(acks, 0);
			}
			catch (SQLException | RuntimeException ex) {
				logger.warn("Honker listener '" + this.settings.id() + "': cannot acknowledge finished jobs " + acks
						+ " yet; trying again until the shutdown timeout, after which their claims expire", ex);
			}
		}
	}

	private void drain() {
		long deadline = System.nanoTime() + this.settings.shutdownTimeout().toNanos();
		try {
			while (!this.inFlight.isEmpty() && System.nanoTime() - deadline < 0) {
				flushAcks();
				this.subscription.await(null, Duration.ofMillis(DRAIN_SLICE_MILLIS));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		flushAcks();
		if (!this.inFlight.isEmpty()) {
			this.abandoned = true;
			logger.warn("Honker listener '" + this.settings.id() + "': jobs " + this.inFlight.keySet()
					+ " still running after the shutdown timeout of " + this.settings.shutdownTimeout()
					+ "; they are not acknowledged and run again when their claims expire");
			this.inFlight.values().forEach(Running::interrupt);
		}
		this.handlers.close();
		this.heartbeats.shutdownNow();
		this.subscription.close();
		Runnable callback;
		synchronized (this) {
			this.terminated = true;
			callback = this.afterStop;
		}
		if (logger.isDebugEnabled()) {
			logger.debug("listener '" + this.settings.id() + "' stopped");
		}
		callback.run();
	}

	/**
	 * A job whose handler runs, when its claim was last extended (or made), and the
	 * thread running it.
	 */
	private static final class Running {

		final ClaimedJob job;

		volatile long lastBeat;

		private Thread thread;

		Running(ClaimedJob job, long claimed) {
			this.job = job;
			this.lastBeat = claimed;
		}

		synchronized void handlerThread(Thread thread) {
			this.thread = thread;
		}

		/**
		 * Interrupts the handler if it still runs, never the thread's next task of a
		 * shared executor.
		 */
		synchronized void interrupt() {
			if (this.thread != null) {
				this.thread.interrupt();
			}
		}

	}

}
