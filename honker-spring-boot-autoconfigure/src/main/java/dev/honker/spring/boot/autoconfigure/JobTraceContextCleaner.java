package dev.honker.spring.boot.autoconfigure;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.log.LogAccessor;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

import dev.honker.spring.core.JobTraceContexts;

/**
 * Deletes the trace context rows of ended jobs every
 * {@code honker.tracing.cleanup-interval}, on a daemon thread, in batches of
 * {@value #BATCH_SIZE}.
 */
final class JobTraceContextCleaner implements SmartLifecycle {

	static final int BATCH_SIZE = 500;

	private static final LogAccessor LOG = new LogAccessor(JobTraceContextCleaner.class);

	private final JobTraceContexts contexts;

	private final Duration interval;

	private ScheduledExecutorService executor;

	JobTraceContextCleaner(JobTraceContexts contexts, Duration interval) {
		this.contexts = contexts;
		this.interval = interval;
	}

	@Override
	public synchronized void start() {
		if (this.executor == null) {
			CustomizableThreadFactory threads = new CustomizableThreadFactory("honker-trace-cleanup-");
			threads.setDaemon(true);
			this.executor = Executors.newSingleThreadScheduledExecutor(threads);
			long millis = this.interval.toMillis();
			this.executor.scheduleWithFixedDelay(this::cleanUp, millis, millis, TimeUnit.MILLISECONDS);
		}
	}

	private void cleanUp() {
		try {
			int deleted = this.contexts.deleteEnded(BATCH_SIZE);
			LOG.debug(() -> "deleted " + deleted + " trace contexts of ended jobs");
		}
		catch (RuntimeException ex) {
			LOG.warn(ex, "Honker: deleting the trace contexts of ended jobs failed; trying again in " + this.interval);
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
