package dev.honker.spring.listener;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The lifecycle every listener container shares, whatever it listens to: start and stop
 * (stop waits for work in progress through a callback), pause and resume, auto-startup,
 * phase, and the failure that ended a run. A subclass only says how one run starts
 * ({@link #startRun()}); the run reports back through {@link #runFailed(Throwable)}.
 */
public abstract class AbstractListenerContainer implements ListenerContainer {

	/**
	 * The lifecycle phase of listener containers: after other beans on start, before them
	 * on stop.
	 */
	public static final int DEFAULT_PHASE = Integer.MAX_VALUE - 100;

	private static final Log logger = LogFactory.getLog(AbstractListenerContainer.class);

	private final String id;

	private final String listenerDescription;

	private final Object monitor = new Object();

	private volatile boolean autoStartup;

	private volatile int phase = DEFAULT_PHASE;

	private volatile boolean paused;

	private volatile @Nullable Throwable failure;

	private @Nullable Run run;

	/**
	 * Creates the container.
	 * @param id the listener id
	 * @param listenerDescription what the container runs, for messages
	 * @param autoStartup whether it starts with the application context
	 */
	protected AbstractListenerContainer(String id, String listenerDescription, boolean autoStartup) {
		if (id == null || id.isBlank()) {
			throw new IllegalArgumentException("id must not be empty, got " + (id == null ? "null" : "'" + id + "'"));
		}
		this.id = id;
		this.listenerDescription = listenerDescription;
		this.autoStartup = autoStartup;
	}

	/** One run of a container, from {@link #startRun()} until it stops. */
	protected interface Run {

		/**
		 * Stops the run; {@code callback} runs once work in progress finished or was
		 * given up, at once if the run has already ended.
		 */
		void stop(Runnable callback);

		/** Whether the run is still going. */
		boolean isRunning();

		/** Looks for work now, for example after a resume. */
		void wake();

	}

	/**
	 * Starts one run of the container; called under the container's lock.
	 * @return the run
	 */
	protected abstract Run startRun();

	/**
	 * Records why a run ended on its own; see {@link #getFailure()}.
	 * @param cause the failure
	 */
	protected final void runFailed(Throwable cause) {
		this.failure = cause;
	}

	@Override
	public final String getId() {
		return this.id;
	}

	@Override
	public final String getListenerDescription() {
		return this.listenerDescription;
	}

	@Override
	public Optional<Throwable> getFailure() {
		return Optional.ofNullable(this.failure);
	}

	/** Starts a run; does nothing when already running. */
	@Override
	public final void start() {
		synchronized (this.monitor) {
			if (this.run != null && this.run.isRunning()) {
				return;
			}
			this.failure = null;
			this.run = startRun();
		}
	}

	/** Stops the run, and calls {@code callback} once its work in progress ended. */
	@Override
	public final void stop(Runnable callback) {
		Run stopping;
		synchronized (this.monitor) {
			stopping = this.run;
			this.run = null;
		}
		if (stopping == null) {
			callback.run();
		}
		else {
			stopping.stop(callback);
		}
	}

	/** Stops, waiting for work in progress. */
	@Override
	public final void stop() {
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
	public final boolean isRunning() {
		synchronized (this.monitor) {
			return this.run != null && this.run.isRunning();
		}
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	/**
	 * Sets whether the container starts with the application context.
	 * @param autoStartup whether it starts with the context
	 */
	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	@Override
	public int getPhase() {
		return this.phase;
	}

	/**
	 * Sets the lifecycle phase; {@link #DEFAULT_PHASE} unless changed.
	 * @param phase the phase
	 */
	public void setPhase(int phase) {
		this.phase = phase;
	}

	@Override
	public void pause() {
		this.paused = true;
		if (logger.isDebugEnabled()) {
			logger.debug("listener '" + this.id + "' paused");
		}
	}

	@Override
	public void resume() {
		this.paused = false;
		synchronized (this.monitor) {
			if (this.run != null) {
				this.run.wake();
			}
		}
		if (logger.isDebugEnabled()) {
			logger.debug("listener '" + this.id + "' resumed");
		}
	}

	@Override
	public boolean isPaused() {
		return this.paused;
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[id=" + this.id + ", listener=" + this.listenerDescription + "]";
	}

}
