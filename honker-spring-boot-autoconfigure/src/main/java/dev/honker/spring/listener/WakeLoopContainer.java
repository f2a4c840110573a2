package dev.honker.spring.listener;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.honker.spring.watch.DatabaseWatcher;
import dev.honker.spring.watch.Subscription;
import dev.honker.spring.watch.WatcherFailedException;

/**
 * A listener container that runs on one thread: each run subscribes to the commit
 * watcher, takes its starting point, and then makes a pass (re-reads what it watches and
 * handles what is new) after every wake, deadline or fallback poll, in order. The
 * notification listener and the stream consumer are such containers. While paused, a run
 * makes no passes; resuming makes one at once.
 *
 * <p>
 * A pass that fails with a database error is logged and made again after a second. A run
 * ends for good, with {@link #getFailure()} set, when the watcher fails (the database
 * file was replaced) or the subclass {@linkplain #fail gives up}.
 */
public abstract class WakeLoopContainer extends AbstractListenerContainer {

	private static final Duration RETRY_AFTER_ERROR = Duration.ofSeconds(1);

	private final Log logger = LogFactory.getLog(getClass());

	private final DatabaseWatcher watcher;

	private final Duration fallbackPoll;

	private volatile Loop current;

	/**
	 * Creates the container.
	 * @param id the listener id, unique in the application context
	 * @param listenerDescription what the container runs, for messages
	 * @param watcher the commit watcher of the database
	 * @param fallbackPoll the longest wait between passes without a wake
	 * @param autoStartup whether it starts with the application context
	 */
	protected WakeLoopContainer(String id, String listenerDescription, DatabaseWatcher watcher, Duration fallbackPoll,
			boolean autoStartup) {
		super(id, listenerDescription, autoStartup);
		this.watcher = Objects.requireNonNull(watcher, "watcher must not be null");
		this.fallbackPoll = Objects.requireNonNull(fallbackPoll, "fallbackPoll must not be null");
	}

	/**
	 * Subscribes to the watcher, takes the starting point with {@link #beforeFirstPass()}
	 * and starts the thread. Every commit after {@link #start()} returns is seen.
	 */
	@Override
	protected final Run startRun() {
		Subscription subscription = this.watcher.subscribe();
		try {
			beforeFirstPass();
		}
		catch (RuntimeException ex) {
			subscription.close();
			throw ex;
		}
		Loop loop = new Loop(subscription);
		this.current = loop;
		loop.thread.start();
		return loop;
	}

	/** Whether the current run was asked to stop; a long pass should end early. */
	protected final boolean isStopping() {
		Loop loop = this.current;
		return loop == null || loop.isStopping();
	}

	/** Ends the current run for good after this pass, reporting {@code cause}. */
	protected final void fail(Throwable cause) {
		Loop loop = this.current;
		if (loop != null) {
			loop.failure = cause;
			loop.stopAfterThisPass();
		}
	}

	/** Makes the thread pass again now, without a commit; for example for new work. */
	protected final void signal() {
		Loop loop = this.current;
		if (loop != null) {
			loop.wake();
		}
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

	/** One run: the thread, its subscription, and how it ended. */
	private final class Loop extends SubscribedRun {

		private final Thread thread;

		private volatile Throwable failure;

		Loop(Subscription subscription) {
			super(subscription);
			this.thread = new Thread(this::run, threadName());
		}

		private void run() {
			try {
				while (!isStopping()) {
					Instant next = isPaused() ? null : passOrRetry();
					if (!isStopping()) {
						this.subscription.await(next, WakeLoopContainer.this.fallbackPoll);
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
				finish();
			}
		}

		private Instant passOrRetry() throws InterruptedException {
			try {
				return pass();
			}
			catch (WatcherFailedException ex) {
				throw ex;
			}
			catch (RuntimeException ex) {
				logger.warn("Honker listener '" + getId() + "' failed to read; trying again in "
						+ RETRY_AFTER_ERROR.toSeconds() + "s", ex);
				return Instant.now().plus(RETRY_AFTER_ERROR);
			}
		}

		private void finish() {
			try {
				afterLastPass();
			}
			finally {
				this.subscription.close();
				Throwable cause = this.failure;
				if (cause != null) {
					runFailed(cause);
					logger.error("Honker listener '" + getId() + "' stopped: " + cause.getMessage(), cause);
				}
				ended();
			}
		}

	}

}
