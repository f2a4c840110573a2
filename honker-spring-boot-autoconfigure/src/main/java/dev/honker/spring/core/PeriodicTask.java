package dev.honker.spring.core;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.Assert;

/**
 * A task run at a fixed delay on a daemon thread of its own while the lifecycle runs: the
 * statistics sampler and the trace context cleanup use it. The task must handle its own
 * failures; one that throws is not run again.
 */
public class PeriodicTask implements SmartLifecycle {

	private final String threadName;

	private final Duration initialDelay;

	private final Duration interval;

	private final Runnable task;

	private ScheduledExecutorService executor;

	/**
	 * Creates the task; nothing runs until {@link #start()}.
	 * @param threadName the name prefix of its thread
	 * @param initialDelay the time before the first run
	 * @param interval the time between the end of a run and the start of the next
	 * @param task what to run
	 */
	public PeriodicTask(String threadName, Duration initialDelay, Duration interval, Runnable task) {
		Assert.isTrue(interval != null && interval.toMillis() > 0, () -> "interval must be positive, got " + interval);
		Assert.notNull(initialDelay, "initialDelay must not be null");
		Assert.notNull(task, "task must not be null");
		this.threadName = threadName;
		this.initialDelay = initialDelay;
		this.interval = interval;
		this.task = task;
	}

	@Override
	public synchronized void start() {
		if (this.executor == null) {
			CustomizableThreadFactory threads = new CustomizableThreadFactory(this.threadName);
			threads.setDaemon(true);
			this.executor = Executors.newSingleThreadScheduledExecutor(threads);
			this.executor.scheduleWithFixedDelay(this.task, this.initialDelay.toMillis(), this.interval.toMillis(),
					TimeUnit.MILLISECONDS);
		}
	}

	@Override
	public synchronized void stop() {
		if (this.executor != null) {
			this.executor.shutdownNow();
			this.executor = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.executor != null;
	}

}
