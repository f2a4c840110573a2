package dev.honker.spring.watch;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One subscriber's view of a watcher (see {@link DatabaseWatcher}): a signal of capacity
 * one that the watcher sets on every commit it sees, so a burst of commits coalesces into
 * a single wake. A wake carries no data: the subscriber re-reads whatever it watches.
 * Subscribe before the first read, so that no commit falls between the read and the
 * subscription.
 *
 * <p>
 * Closing the last subscription of a watcher stops its thread.
 */
public final class Subscription implements AutoCloseable {

	private final SharedWatcher watcher;

	private final ArrayBlockingQueue<Boolean> signal = new ArrayBlockingQueue<>(1);

	private volatile boolean closed;

	Subscription(SharedWatcher watcher) {
		this.watcher = watcher;
	}

	/**
	 * Waits for the next wake, at most until {@code deadline} and at most
	 * {@code fallback}. A wake that arrived since the previous call returns at once.
	 * @param deadline when the subscriber has something to do anyway (a delayed job falls
	 * due, a claim expires), or {@code null} for none
	 * @param fallback the longest wait, a safety net against a missed wake
	 * @return {@code true} if woken by a commit or {@link #signal()}, {@code false} on
	 * timeout
	 * @throws WatcherFailedException if the watcher has stopped for good
	 * @throws InterruptedException if the waiting thread is interrupted
	 */
	public boolean await(@Nullable Instant deadline, Duration fallback) throws InterruptedException {
		if (this.closed) {
			throw new IllegalStateException("subscription to " + this.watcher.description() + " is closed");
		}
		this.watcher.throwIfFailed();
		long nanos = fallback.toNanos();
		if (deadline != null) {
			nanos = Math.min(nanos, Duration.between(Instant.now(), deadline).toNanos());
		}
		boolean woken = this.signal.poll(Math.max(nanos, 0), TimeUnit.NANOSECONDS) != null;
		this.watcher.throwIfFailed();
		return woken;
	}

	/**
	 * Wakes this subscriber now, without a commit; for example because it has new local
	 * work.
	 */
	public void signal() {
		this.signal.offer(Boolean.TRUE);
	}

	SharedWatcher watcher() {
		return this.watcher;
	}

	/**
	 * Unsubscribes; the last subscription of a watcher stops it. Calling it again does
	 * nothing.
	 */
	@Override
	public void close() {
		if (!this.closed) {
			this.closed = true;
			this.watcher.unsubscribe(this);
		}
	}

}
