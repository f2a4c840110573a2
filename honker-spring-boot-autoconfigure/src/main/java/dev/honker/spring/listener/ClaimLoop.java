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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

import dev.honker.spring.watch.Subscription;
import dev.honker.sqlite.HonkerTime;
import dev.honker.spring.watch.WatcherFailedException;
import org.jspecify.annotations.Nullable;

/**
 * One run of a listener container, from start to stop: a thread that claims jobs whenever
 * the commit watcher, a finishing handler, or a deadline wakes it, and hands them to its
 * {@link HandlerThreads}, at most {@code concurrency} at a time.
 *
 * <p>
 * Each pass acknowledges the jobs that finished since the last pass and claims up to the
 * free capacity, in one transaction. The capacity and the moment to claim again come from
 * {@link ClaimAhead}: {@code concurrency} plus a claim ahead for handlers that finish
 * quickly (what they finish in a few milliseconds, never anything for a slow handler),
 * and a new claim as soon as the claimed jobs that wait for a handler thread fall below
 * what the handlers finish during one pass, so that fast handlers get their next batch
 * before they run dry and the claim thread claims while they run. Claimed jobs wait in a
 * buffer; a handler thread that finishes a job takes the next one from it without a
 * hand-off, and wakes this thread when the buffer is below that mark.
 *
 * <p>
 * The acknowledgements of finished jobs go with the next claim's transaction, waiting for
 * it at most {@value #ACK_LINGER_MILLIS} ms after the first of them: while the buffer is
 * not low, and when the queue has nothing to claim at that moment (a read tells whether
 * there is anything to claim). A worker fed one job at a time then commits once per job
 * instead of twice (a claim, then an acknowledgement alone), which halves its write
 * transactions, its share of checkpoints and the time it holds the write lock against
 * producers; a draining worker commits once per batch. When the queue has fewer claimable
 * jobs than the capacity, the thread sleeps until the next commit, until
 * {@code honker_queue_next_claim_at} (a delayed job falls due or a claim expires), or at
 * most the idle poll interval. A job still waiting or running after a third of the
 * visibility timeout gets heartbeats, about every third of it. A pass that fails (a busy
 * or read-only database) is tried again after 1 s, doubling up to 30 s, and commits do
 * not cut that wait short; identical failures are logged once and then summarized (see
 * {@link RepeatedFailures}).
 *
 * <p>
 * Stopping stops claiming, waits up to the shutdown timeout for running handlers while
 * still acknowledging the ones that finish, and then leaves the claims of the rest to
 * expire.
 */
final class ClaimLoop extends SubscribedRun {

	private static final Log logger = LogFactory.getLog(ClaimLoop.class);

	private static final Duration FIRST_RETRY_AFTER_ERROR = Duration.ofSeconds(1);

	private static final Duration MAX_RETRY_AFTER_ERROR = Duration.ofSeconds(30);

	private static final Duration FAILURE_SUMMARY_INTERVAL = Duration.ofMinutes(1);

	private static final long DRAIN_SLICE_MILLIS = 50;

	private static final long SETTLE_NANOS = 200_000;

	static final long ACK_LINGER_MILLIS = 20;

	private static final long ACK_LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(ACK_LINGER_MILLIS);

	private final ListenerSettings settings;

	private final String workerId;

	private final JobStore store;

	private final JobInvoker invoker;

	private final BooleanSupplier paused;

	private final Consumer<Throwable> onFailure;

	private final HandlerThreads handlers;

	private final ScheduledThreadPoolExecutor heartbeats;

	private final Thread thread;

	private final RepeatedFailures claimFailures;

	private final Map<Long, Running> inFlight = new ConcurrentHashMap<>();

	private final Queue<Long> succeeded = new ConcurrentLinkedQueue<>();

	/** Claimed jobs that no handler thread has taken yet. */
	private final Queue<ClaimedJob> buffer = new ConcurrentLinkedQueue<>();

	/** The size of {@link #buffer}, which a {@link ConcurrentLinkedQueue} counts O(n). */
	private final AtomicInteger buffered = new AtomicInteger();

	/** Handler threads taking jobs from the buffer; at most {@code concurrency}. */
	private final AtomicInteger workers = new AtomicInteger();

	private final ClaimAhead claimAhead;

	private volatile boolean abandoned;

	private @Nullable Instant passedDeadline;

	/**
	 * When this thread first let acknowledgements wait for a claim, by
	 * {@code System.nanoTime()}; 0 when none wait. Read and written by this thread only.
	 */
	private long acksWaitingSince;

	/** Subscribes to the watcher at once, before the first claim reads the queue. */
	ClaimLoop(ListenerSettings settings, String workerId, JobStore store, JobInvoker invoker, Subscription subscription,
			HandlerThreads handlers, BooleanSupplier paused, Consumer<Throwable> onFailure) {
		super(subscription);
		this.settings = settings;
		this.workerId = workerId;
		this.store = store;
		this.invoker = invoker;
		this.paused = paused;
		this.onFailure = onFailure;
		this.handlers = handlers;
		this.claimAhead = new ClaimAhead(settings.concurrency());
		CustomizableThreadFactory heartbeatThreads = new CustomizableThreadFactory(
				"honker-" + settings.id() + "-heartbeat-");
		heartbeatThreads.setDaemon(true);
		this.heartbeats = new ScheduledThreadPoolExecutor(1, heartbeatThreads);
		this.thread = new Thread(this::run, "honker-listener-" + settings.id());
		this.claimFailures = new RepeatedFailures(logger,
				() -> "Honker listener '" + settings.id() + "': claiming from queue '" + settings.queue() + "'",
				FIRST_RETRY_AFTER_ERROR, MAX_RETRY_AFTER_ERROR, FAILURE_SUMMARY_INTERVAL);
	}

	void start() {
		long scan = this.settings.heartbeatInterval().toNanos() / 2;
		this.heartbeats.scheduleWithFixedDelay(this::heartbeatDue, scan, scan, TimeUnit.NANOSECONDS);
		this.thread.start();
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
		while (!isStopping()) {
			@Nullable Instant deadline;
			try {
				deadline = pass();
				this.claimFailures.succeeded();
			}
			catch (SQLException | RuntimeException ex) {
				if (ex instanceof WatcherFailedException failed) {
					throw failed;
				}
				waitBeforeRetry(this.claimFailures.failed(ex));
				continue;
			}
			if (!this.succeeded.isEmpty()) {
				Instant lingerEnd = ackDeadline();
				deadline = (deadline == null || deadline.isAfter(lingerEnd)) ? lingerEnd : deadline;
			}
			if (!isStopping()) {
				this.subscription.await(deadline, this.settings.idlePollInterval());
			}
		}
	}

	/**
	 * Waits out the backoff after a failed pass; commits do not cut it short (a database
	 * that fails every claim would otherwise be retried on every commit), a stop does.
	 */
	private void waitBeforeRetry(Duration delay) throws InterruptedException {
		Instant retryAt = Instant.now().plus(delay);
		while (!isStopping() && Instant.now().isBefore(retryAt)) {
			this.subscription.await(retryAt, delay);
		}
	}

	/**
	 * Acknowledges, claims, dispatches; returns when to look again at the latest, or
	 * {@code null}.
	 */
	private @Nullable Instant pass() throws SQLException, InterruptedException {
		settle();
		long start = System.nanoTime();
		boolean low = this.buffered.get() < this.claimAhead.lowWater();
		boolean paused = this.paused.getAsBoolean();
		if (!low && !paused && !this.succeeded.isEmpty() && acksMayWait()) {
			// the acknowledgements go with the claim that the buffer running low brings
			return null;
		}
		int free = (paused || !low) ? 0 : this.claimAhead.capacity() - this.inFlight.size();
		List<Long> acks = takeSucceeded();
		if (acks.isEmpty() && free <= 0) {
			return null;
		}
		boolean acksMayWait = !acks.isEmpty() && free > 0 && acksMayWait();
		JobStore.ClaimResult result = ackAndClaim(acks, free, acksMayWait);
		if (result.acksWaiting()) {
			this.succeeded.addAll(acks);
			return nextDeadline();
		}
		if (!acks.isEmpty()) {
			this.acksWaitingSince = 0;
		}
		List<ClaimedJob> claimed = result.jobs();
		claimed.forEach(this::dispatch);
		startWorkers();
		if (!claimed.isEmpty()) {
			this.claimAhead.passTook(System.nanoTime() - start);
		}
		return free > 0 && claimed.size() < free ? nextDeadline() : null;
	}

	/**
	 * Whether the acknowledgements of finished jobs may wait for the next claim (when the
	 * queue has nothing to claim now, or the buffer is not low yet): the loop is not
	 * stopping, and the first waiting acknowledgement has waited less than
	 * {@link #ACK_LINGER_MILLIS} ms.
	 */
	private boolean acksMayWait() {
		if (isStopping()) {
			return false;
		}
		long now = System.nanoTime();
		if (this.acksWaitingSince == 0) {
			this.acksWaitingSince = now;
			return true;
		}
		return now - this.acksWaitingSince < ACK_LINGER_NANOS;
	}

	/** When waiting acknowledgements must be written at the latest. */
	private Instant ackDeadline() {
		long waited = (this.acksWaitingSince == 0) ? 0 : System.nanoTime() - this.acksWaitingSince;
		return Instant.now().plusNanos(Math.max(0, ACK_LINGER_NANOS - waited));
	}

	/**
	 * When some handlers have just finished (their acknowledgements wait) and others
	 * still run, waits a moment for those to finish too, so that one transaction
	 * acknowledges and claims for all of them. Fast handlers then share transactions; a
	 * slow one delays the next claim by at most {@link #SETTLE_NANOS}. A wake with no
	 * finished handler (a commit), or with acknowledgements already waiting for a claim,
	 * claims at once.
	 */
	private void settle() throws InterruptedException {
		long end = System.nanoTime() + SETTLE_NANOS;
		while (this.acksWaitingSince == 0 && !this.succeeded.isEmpty() && !this.inFlight.isEmpty()
				&& this.inFlight.size() < this.settings.concurrency() && System.nanoTime() - end < 0) {
			this.subscription.await(null, Duration.ofNanos(end - System.nanoTime()));
		}
	}

	private JobStore.ClaimResult ackAndClaim(List<Long> acks, int limit, boolean acksMayWait) throws SQLException {
		JobStore.ClaimResult result;
		try {
			result = this.store.ackAndClaim(this.settings.queue(), this.workerId, acks, limit,
					this.settings.visibilitySeconds(), acksMayWait);
		}
		catch (SQLException | RuntimeException ex) {
			this.succeeded.addAll(acks);
			throw ex;
		}
		if (!result.acksWaiting() && result.acked() < acks.size()) {
			logger.warn("Honker listener '" + this.settings.id() + "': " + (acks.size() - result.acked()) + " of "
					+ acks.size()
					+ " finished jobs had lost their claims before the acknowledgement (visibility timeout "
					+ this.settings.visibilitySeconds() + "s); they run again: " + acks);
		}
		return result;
	}

	private @Nullable Instant nextDeadline() throws SQLException {
		long next = this.store.nextClaimAt(this.settings.queue());
		if (next == 0) {
			return null;
		}
		Instant deadline = HonkerTime.toInstant(next).plusMillis(1);
		Instant now = Instant.now();
		if (deadline.isAfter(now.plus(this.settings.idlePollInterval()))) {
			// the idle poll comes first; a deadline centuries away is no number of nanos
			return null;
		}
		if (deadline.isAfter(now)) {
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
		this.buffered.incrementAndGet();
		this.buffer.add(job);
	}

	/** Starts handler threads on the buffer, up to {@code concurrency} of them. */
	private void startWorkers() {
		while (!this.buffer.isEmpty() && takeWorkerSlot()) {
			try {
				this.handlers.execute(this::work);
			}
			catch (RejectedExecutionException ex) {
				this.workers.decrementAndGet();
				List<Long> rejected = new ArrayList<>();
				for (ClaimedJob job = takeBuffered(); job != null; job = takeBuffered()) {
					this.inFlight.remove(job.id());
					rejected.add(job.id());
				}
				logger.warn("Honker listener '" + this.settings.id() + "': the handler executor rejected jobs "
						+ rejected + "; they run again when their claims expire", ex);
				return;
			}
		}
	}

	private boolean takeWorkerSlot() {
		for (int count = this.workers.get(); count < this.settings.concurrency(); count = this.workers.get()) {
			if (this.workers.compareAndSet(count, count + 1)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * A handler thread's work: runs buffered jobs one after the other until the buffer is
	 * empty (or shutdown gave up), then gives its slot back.
	 */
	private void work() {
		do {
			for (ClaimedJob job = nextJob(); job != null; job = nextJob()) {
				runJob(job);
			}
			this.workers.decrementAndGet();
		}
		while (!this.buffer.isEmpty() && !this.abandoned && takeWorkerSlot());
	}

	private @Nullable ClaimedJob nextJob() {
		return this.abandoned ? null : takeBuffered();
	}

	private @Nullable ClaimedJob takeBuffered() {
		ClaimedJob job = this.buffer.poll();
		if (job != null) {
			this.buffered.decrementAndGet();
		}
		return job;
	}

	private void runJob(ClaimedJob job) {
		Running running = this.inFlight.get(job.id());
		running.handlerThread(Thread.currentThread());
		long start = System.nanoTime();
		try {
			// A shared executor may start a task only after shutdown gave up on it: then
			// its claim is left to expire, as the container's own pool would have dropped
			// it.
			if (!this.abandoned && this.invoker.run(job, () -> this.abandoned, running::handlerReturned)) {
				this.succeeded.add(job.id());
			}
		}
		finally {
			running.handlerThread(null);
			this.claimAhead.handlerRan(System.nanoTime() - start);
			this.inFlight.remove(job.id());
			if (this.buffered.get() < this.claimAhead.lowWater()) {
				this.subscription.signal();
			}
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
				heartbeat(running);
			}
		}
	}

	/**
	 * Extends a running job's claim. A heartbeat that finds the claim gone after the
	 * handler method has returned raced with the job's own acknowledgement or settlement
	 * (which report a claim really lost themselves), so only one that finds it gone while
	 * the method still runs is a lost claim.
	 */
	private void heartbeat(Running running) {
		ClaimedJob job = running.job;
		try {
			if (this.store.heartbeat(job.id(), this.workerId, this.settings.visibilitySeconds())) {
				if (logger.isDebugEnabled()) {
					logger.debug("heartbeat extended the claim of job " + job.id());
				}
			}
			else if (running.hasHandlerReturned()) {
				if (logger.isDebugEnabled()) {
					logger
						.debug("heartbeat found the claim of job " + job.id() + " settled after its handler returned");
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
				ackAndClaim(acks, 0, false);
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
		if (logger.isDebugEnabled()) {
			logger.debug("listener '" + this.settings.id() + "' stopped");
		}
		ended();
	}

	/**
	 * A job whose handler runs, when its claim was last extended (or made), and the
	 * thread running it.
	 */
	private static final class Running {

		final ClaimedJob job;

		volatile long lastBeat;

		private Thread thread;

		private volatile boolean handlerReturned;

		Running(ClaimedJob job, long claimed) {
			this.job = job;
			this.lastBeat = claimed;
		}

		synchronized void handlerThread(Thread thread) {
			this.thread = thread;
		}

		void handlerReturned() {
			this.handlerReturned = true;
		}

		boolean hasHandlerReturned() {
			return this.handlerReturned;
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
