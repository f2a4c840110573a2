package dev.honker.spring.listener;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.log.LogAccessor;

import dev.honker.spring.watch.DatabaseWatcher;

/**
 * Runs one {@code @HonkerListener} method against its queue. Starts late and stops early
 * in the application context's lifecycle, so handlers only run while every other bean is
 * available. {@link #stop(Runnable)} stops claiming and waits for running handlers up to
 * the shutdown timeout; a job whose handler did not finish is never acknowledged and runs
 * again when its claim expires.
 */
public class HonkerListenerContainer implements SmartLifecycle {

	/**
	 * The lifecycle phase of listener containers: after other beans on start, before them
	 * on stop.
	 */
	public static final int DEFAULT_PHASE = Integer.MAX_VALUE - 100;

	private static final LogAccessor LOG = new LogAccessor(HonkerListenerContainer.class);

	private static final String HOST_AND_PID = hostAndPid();

	private final ListenerSettings settings;

	private final String method;

	private final JobStore store;

	private final JobInvoker invoker;

	private final DatabaseWatcher watcher;

	private final Object monitor = new Object();

	private ClaimLoop loop;

	private volatile boolean paused;

	private volatile Throwable failure;

	HonkerListenerContainer(ListenerSettings settings, String method, JobStore store, JobInvoker invoker,
			DatabaseWatcher watcher) {
		this.settings = settings;
		this.method = method;
		this.store = store;
		this.invoker = invoker;
		this.watcher = watcher;
	}

	/** The listener id. */
	public String getId() {
		return this.settings.id();
	}

	/** The consumed queue. */
	public String getQueue() {
		return this.settings.queue();
	}

	/** The number of handler threads. */
	public int getConcurrency() {
		return this.settings.concurrency();
	}

	/** The listener method, for messages. */
	public String getListenerMethod() {
		return this.method;
	}

	/**
	 * The worker id of the current run ({@code host:pid:listener-id:random}), if running.
	 */
	public Optional<String> getWorkerId() {
		synchronized (this.monitor) {
			return this.loop == null ? Optional.empty() : Optional.of(this.loop.workerId());
		}
	}

	/**
	 * Why the container stopped claiming on its own, for example because the database
	 * file was replaced.
	 */
	public Optional<Throwable> getFailure() {
		return Optional.ofNullable(this.failure);
	}

	/** Starts claiming; does nothing when already running. */
	@Override
	public void start() {
		synchronized (this.monitor) {
			if (this.loop != null && this.loop.isRunning()) {
				return;
			}
			this.failure = null;
			String workerId = HOST_AND_PID + ":" + this.settings.id() + ":"
					+ HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
			this.loop = new ClaimLoop(this.settings, workerId, this.store, this.invoker, this.watcher.subscribe(),
					() -> this.paused, cause -> this.failure = cause);
			this.loop.start();
			LOG.debug(() -> "listener '" + getId() + "' started on queue '" + getQueue() + "' as " + workerId);
		}
	}

	/**
	 * Stops claiming, and calls {@code callback} once running handlers finished or the
	 * shutdown timeout passed.
	 */
	@Override
	public void stop(Runnable callback) {
		ClaimLoop stopping;
		synchronized (this.monitor) {
			stopping = this.loop;
			this.loop = null;
		}
		if (stopping == null) {
			callback.run();
		}
		else {
			stopping.stop(callback);
		}
	}

	/** Stops, waiting for running handlers up to the shutdown timeout. */
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
			return this.loop != null && this.loop.isRunning();
		}
	}

	@Override
	public boolean isAutoStartup() {
		return this.settings.autoStartup();
	}

	@Override
	public int getPhase() {
		return DEFAULT_PHASE;
	}

	/** Stops claiming new jobs; running handlers finish and are acknowledged. */
	public void pause() {
		this.paused = true;
		LOG.debug(() -> "listener '" + getId() + "' paused");
	}

	/** Claims again after {@link #pause()}. */
	public void resume() {
		this.paused = false;
		synchronized (this.monitor) {
			if (this.loop != null) {
				this.loop.wake();
			}
		}
		LOG.debug(() -> "listener '" + getId() + "' resumed");
	}

	/** Whether the container is paused. */
	public boolean isPaused() {
		return this.paused;
	}

	private static String hostAndPid() {
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			host = "localhost";
		}
		return host + ":" + ProcessHandle.current().pid();
	}

	@Override
	public String toString() {
		return "HonkerListenerContainer[id=" + getId() + ", queue=" + getQueue() + ", method=" + this.method + "]";
	}

}
