package dev.honker.spring.listener;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.log.LogAccessor;

import dev.honker.spring.watch.DatabaseWatcher;
import dev.honker.spring.watch.Subscription;
import dev.honker.spring.watch.WatcherFailedException;

/**
 * A listener container that runs on one thread: it subscribes to the commit watcher,
 * takes its starting point, and then makes a pass (re-reads what it watches and handles
 * what is new) after every wake, deadline or fallback poll, in order. Subclasses are the
 * notification listener and the stream consumer.
 *
 * <p>
 * A pass that fails with a database error is logged and made again after a second. The
 * container stops for good, with {@link #getFailure()} set, when the watcher fails (the
 * database file was replaced) or a subclass {@linkplain #fail gives up}.
 */
public abstract class WakeLoopContainer implements SmartLifecycle {

	private static final Duration RETRY_AFTER_ERROR = Duration.ofSeconds(1);

	private final LogAccessor log = new LogAccessor(getClass());

	private final String id;

	private final DatabaseWatcher watcher;

	private final Duration fallbackPoll;

	private final boolean autoStartup;

	private final Object monitor = new Object();

	private Thread thread;

	private Subscription subscription;

	private volatile boolean stopping;

	private volatile Throwable failure;

	private Runnable afterStop = () -> {
	};

	/**
	 * Creates the container.
	 * @param id the listener id, unique in the application context
	 * @param watcher the commit watcher of the database
	 * @param fallbackPoll the longest wait between passes without a wake
	 * @param autoStartup whether it starts with the application context
	 */
	protected WakeLoopContainer(String id, DatabaseWatcher watcher, Duration fallbackPoll, boolean autoStartup) {
		this.id = Objects.requireNonNull(id, "id must not be null");
		this.watcher = Objects.requireNonNull(watcher, "watcher must not be null");
		this.fallbackPoll = Objects.requireNonNull(fallbackPoll, "fallbackPoll must not be null");
		this.autoStartup = autoStartup;
	}

	/** The listener id. */
	public String getId() {
		return this.id;
	}

	/** Why the container stopped on its own, if it did. */
	public Optional<Throwable> getFailure() {
		return Optional.ofNullable(this.failure);
	}

	/**
	 * Subscribes to the watcher, takes the starting point with {@link #beforeFirstPass()}
	 * and starts the thread; does nothing when already running. Every commit after this
	 * method returns is seen.
	 */
	@Override
	public void start() {
		synchronized (this.monitor) {
			if (this.thread != null) {
				return;
			}
			this.failure = null;
			this.stopping = false;
			Subscription subscribed = this.watcher.subscribe();
			try {
				beforeFirstPass();
			}
			catch (RuntimeException ex) {
				subscribed.close();
				throw ex;
			}
			this.subscription = subscribed;
			this.thread = new Thread(() -> run(subscribed), threadName());
			this.thread.start();
		}
	}

	/**
	 * Asks the thread to stop after the current handler returns; {@code callback} runs
	 * when it has.
	 */
	@Override
	public void stop(Runnable callback) {
		synchronized (this.monitor) {
			if (this.thread != null) {
				this.afterStop = callback;
				this.stopping = true;
				this.subscription.signal();
				return;
			}
		}
		callback.run();
	}

	/** Stops and waits for the thread to end. */
	@Override
	public void stop() {
		CountDownLatch stopped = new CountDownLatch(1);
		stop(stopped::countDown);
		try {
			stopped.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		synchronized (this.monitor) {
			return this.thread != null;
		}
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	@Override
	public int getPhase() {
		return HonkerListenerContainer.DEFAULT_PHASE;
	}

	/** Whether {@link #stop} was called; a long pass should end early when it was. */
	protected final boolean isStopping() {
		return this.stopping;
	}

	/** Makes the thread pass again now, without a commit; for example for new work. */
	protected final void signal() {
		synchronized (this.monitor) {
			if (this.subscription != null) {
				this.subscription.signal();
			}
		}
	}

	/** Ends the loop for good after this pass, reporting {@code cause}. */
	protected final void fail(Throwable cause) {
		this.failure = cause;
		this.stopping = true;
	}

	/** The name of the container's thread. */
	protected abstract String threadName();

	/**
	 * Takes the starting point, after the subscription, on the thread calling
	 * {@link #start()}.
	 */
	protected abstract void beforeFirstPass();

	/**
	 * Re-reads and handles what is new.
	 * @return when to make a pass at the latest even without a wake, or {@code null}
	 * @throws InterruptedException if the thread is interrupted
	 */
	protected abstract Instant pass() throws InterruptedException;

	/** Runs on the container's thread after its last pass. */
	protected void afterLastPass() {
	}

	private void run(Subscription subscribed) {
		try {
			while (!this.stopping) {
				Instant next;
				try {
					next = pass();
				}
				catch (WatcherFailedException ex) {
					throw ex;
				}
				catch (RuntimeException ex) {
					this.log.warn(ex, "Honker listener '" + this.id + "' failed to read; trying again in "
							+ RETRY_AFTER_ERROR.toSeconds() + "s");
					next = Instant.now().plus(RETRY_AFTER_ERROR);
				}
				if (!this.stopping) {
					subscribed.await(next, this.fallbackPoll);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException | Error ex) {
			this.failure = ex;
		}
		finally {
			finish(subscribed);
		}
	}

	private void finish(Subscription subscribed) {
		try {
			afterLastPass();
		}
		finally {
			subscribed.close();
			Runnable callback;
			synchronized (this.monitor) {
				this.thread = null;
				this.subscription = null;
				callback = this.afterStop;
				this.afterStop = () -> {
				};
			}
			Throwable cause = this.failure;
			if (cause != null) {
				this.log.error(cause, "Honker listener '" + this.id + "' stopped: " + cause.getMessage());
			}
			callback.run();
		}
	}

}
