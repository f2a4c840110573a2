package dev.honker.spring.listener;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.jspecify.annotations.Nullable;

/**
 * The threads that run a listener's handlers during one run of its container: the
 * executor given to the container, shared and left open; or else a virtual thread per
 * job; or else a pool of {@code concurrency} platform threads. The claim loop never has
 * more than {@code concurrency} jobs in flight, so any executor is bounded by it.
 */
final class HandlerThreads {

	private final Executor executor;

	private final Runnable close;

	private HandlerThreads(Executor executor, Runnable close) {
		this.executor = executor;
		this.close = close;
	}

	/**
	 * Opens the threads of one run.
	 * @param given the executor configured for the container, or {@code null}
	 * @param virtualThreads whether to start a virtual thread per job when no executor is
	 * given; needs Java 21 or later
	 */
	static HandlerThreads open(String listenerId, int concurrency, @Nullable Executor given, boolean virtualThreads) {
		if (given != null) {
			return new HandlerThreads(given, () -> {
			});
		}
		String prefix = "honker-" + listenerId + "-";
		if (virtualThreads) {
			SimpleAsyncTaskExecutor virtual = new SimpleAsyncTaskExecutor(prefix);
			virtual.setVirtualThreads(true);
			return new HandlerThreads(virtual, virtual::close);
		}
		ThreadPoolExecutor pool = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS,
				new LinkedBlockingQueue<>(), new CustomizableThreadFactory(prefix));
		return new HandlerThreads(pool, pool::shutdownNow);
	}

	void execute(Runnable task) {
		this.executor.execute(task);
	}

	/** Releases threads this run created; a given executor stays open. */
	void close() {
		this.close.run();
	}

}
