package dev.honker.spring.stream;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.core.StreamEvent;
import dev.honker.spring.listener.PayloadConversionException;
import dev.honker.spring.listener.WakeLoopContainer;
import dev.honker.spring.watch.DatabaseWatcher;

/**
 * Consumes one topic as one named consumer: a durable, ordered, replayable reader that
 * resumes after the offset it saved in {@code _honker_stream_consumers}, the table every
 * Honker binding uses, so a consumer of the same name in Python continues where this one
 * stopped, and the other way round.
 *
 * <p>
 * <b>One process at a time.</b> The consumer runs only while it holds the Honker lock
 * {@code honker-stream-consumer:<consumer>:<topic>}, renewed every third of its TTL. A
 * second process with the same consumer name waits, trying the lock about every third of
 * the TTL, and takes over when the first one stops (it releases the lock) or dies (the
 * lock expires). Every offset save renews the lock in the same transaction and is rolled
 * back if the lock is no longer this process's, so a process that lost its lock never
 * moves the offset past events it did not handle.
 *
 * <p>
 * <b>Order.</b> Events are read in batches with {@code honker_stream_read_since} after
 * every commit the watcher sees, and handed to the handler one at a time, in offset
 * order, on the container's one thread.
 *
 * <p>
 * <b>Failures.</b> A handler that throws gets the same event again after a backoff, up to
 * the configured attempts; a payload that cannot be converted gets no further attempt.
 * Then the {@link StreamFailureAction} applies: {@code STOP} (the default) stops the
 * consumer before the event; {@code SKIP} records it in {@code honker_stream_skipped} and
 * goes on.
 */
public class StreamListenerContainer extends WakeLoopContainer {

	private static final Log logger = LogFactory.getLog(StreamListenerContainer.class);

	private final StreamConsumerSettings settings;

	private final StreamEventHandler handler;

	private final HonkerTemplate template;

	private final TransactionTemplate transaction;

	private final SkippedEvents skippedEvents;

	private final String owner;

	private final long renewMillis;

	private ScheduledExecutorService renewals;

	private volatile boolean holding;

	private Instant nextLockAttempt = Instant.MIN;

	private long offset;

	private long savedOffset;

	/**
	 * Creates the container.
	 * @param settings the consumer's settings
	 * @param listenerDescription what the container runs, for messages
	 * @param handler receives the events
	 * @param template reads events, saves offsets and takes the lock
	 * @param transaction the transactions of offset saves and, in
	 * {@link StreamOffsetMode#TRANSACTIONAL}, of the handler
	 * @param skippedEvents records skipped events, for {@link StreamFailureAction#SKIP}
	 * @param watcher the commit watcher of the database
	 */
	public StreamListenerContainer(StreamConsumerSettings settings, String listenerDescription,
			StreamEventHandler handler, HonkerTemplate template, TransactionTemplate transaction,
			SkippedEvents skippedEvents, DatabaseWatcher watcher) {
		super(settings.id(), listenerDescription, watcher, settings.fallbackPoll(), settings.autoStartup());
		this.settings = settings;
		this.handler = Objects.requireNonNull(handler, "handler must not be null");
		this.template = Objects.requireNonNull(template, "template must not be null");
		this.transaction = Objects.requireNonNull(transaction, "transaction must not be null");
		this.skippedEvents = Objects.requireNonNull(skippedEvents, "skippedEvents must not be null");
		this.owner = hostAndPid() + ":" + settings.consumer() + ":"
				+ HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
		this.renewMillis = settings.lockTtl().toMillis() / 3;
	}

	/** The consumer's settings. */
	public StreamConsumerSettings getSettings() {
		return this.settings;
	}

	/** The topic. */
	public String getTopic() {
		return this.settings.topic();
	}

	/** The consumer name. */
	public String getConsumer() {
		return this.settings.consumer();
	}

	/**
	 * Whether this process holds the consumer's lock and so is the one consuming.
	 */
	public boolean isConsuming() {
		return this.holding;
	}

	@Override
	protected String threadName() {
		return "honker-stream-" + getId();
	}

	@Override
	protected void beforeFirstPass() {
		if (this.settings.failureAction() == StreamFailureAction.SKIP) {
			this.skippedEvents.createTable();
		}
		CustomizableThreadFactory threads = new CustomizableThreadFactory("honker-stream-" + getId() + "-lock-");
		threads.setDaemon(true);
		this.renewals = new ScheduledThreadPoolExecutor(1, threads);
		this.renewals.scheduleWithFixedDelay(this::renewLock, this.renewMillis, this.renewMillis,
				TimeUnit.MILLISECONDS);
		this.nextLockAttempt = Instant.MIN;
	}

	@Override
	protected Instant pass() throws InterruptedException {
		if (!this.holding && !acquire()) {
			return this.nextLockAttempt;
		}
		List<StreamEvent> batch;
		do {
			batch = this.template.readSince(this.settings.topic(), this.offset, this.settings.batchSize());
			for (StreamEvent event : batch) {
				if (isStopping() || !this.holding || !handle(event)) {
					break;
				}
			}
			if (this.settings.offsetMode() == StreamOffsetMode.AFTER_BATCH) {
				saveOffset();
			}
		}
		while (batch.size() == this.settings.batchSize() && this.holding && !isStopping());
		return this.holding ? null : this.nextLockAttempt;
	}

	@Override
	protected void afterLastPass() {
		this.renewals.shutdownNow();
		if (!this.holding) {
			return;
		}
		try {
			if (this.settings.offsetMode() == StreamOffsetMode.AFTER_BATCH) {
				saveOffset();
			}
		}
		finally {
			release();
		}
	}

	private boolean acquire() {
		if (Instant.now().isBefore(this.nextLockAttempt)) {
			return false;
		}
		this.nextLockAttempt = Instant.now().plusMillis(Math.max(this.renewMillis, 200));
		if (!this.template.tryLock(this.settings.lockName(), this.owner, this.settings.lockTtl())) {
			return false;
		}
		this.offset = startOffset();
		this.savedOffset = this.offset;
		this.holding = true;
		logger.info("Honker stream consumer '" + this.settings.consumer() + "' consumes topic '" + this.settings.topic()
				+ "' after offset " + this.offset + " (" + this.owner + ")");
		return true;
	}

	private long startOffset() {
		long saved = this.template.offset(this.settings.consumer(), this.settings.topic());
		if (saved > 0) {
			return saved;
		}
		long start = switch (this.settings.start().kind()) {
			case EARLIEST -> 0;
			case LATEST -> this.template.lastOffset(this.settings.topic());
			case AFTER_OFFSET -> this.settings.start().offset();
		};
		if (start > 0) {
			this.transaction.executeWithoutResult(status -> {
				fence();
				this.template.saveOffset(this.settings.consumer(), this.settings.topic(), start);
			});
		}
		return start;
	}

	/**
	 * Handles one event with its attempts and the failure action.
	 * @return whether the consumer goes on with the next event
	 */
	private boolean handle(StreamEvent event) throws InterruptedException {
		BackOffExecution backoff = backoff().start();
		for (int attempt = 1;; attempt++) {
			try {
				deliver(event);
				this.offset = event.offset();
				return true;
			}
			catch (LockLostException ex) {
				lost();
				return false;
			}
			catch (Exception ex) {
				boolean retryable = !(ex instanceof PayloadConversionException);
				if (retryable && attempt < this.settings.maxAttempts() && !isStopping()) {
					long delay = backoff.nextBackOff();
					if (logger.isDebugEnabled()) {
						logger.debug("stream consumer '" + getId() + "': event " + event.offset()
								+ " failed, retrying in " + delay + " ms", ex);
					}
					if (!sleep(delay)) {
						return false;
					}
					continue;
				}
				if (isStopping()) {
					return false;
				}
				return giveUp(event, ex, attempt);
			}
		}
	}

	private void deliver(StreamEvent event) throws Exception {
		if (this.settings.offsetMode() == StreamOffsetMode.AFTER_BATCH) {
			this.handler.onEvent(event);
			return;
		}
		this.transaction.executeWithoutResult(status -> {
			fence();
			try {
				this.handler.onEvent(event);
			}
			catch (RuntimeException ex) {
				throw ex;
			}
			catch (Exception ex) {
				throw new HandlerException(ex);
			}
			this.template.saveOffset(this.settings.consumer(), this.settings.topic(), event.offset());
		});
		this.savedOffset = event.offset();
	}

	private boolean giveUp(StreamEvent event, Exception failure, int attempts) {
		Throwable cause = (failure instanceof HandlerException wrapped) ? wrapped.getCause() : failure;
		if (this.settings.failureAction() == StreamFailureAction.SKIP) {
			this.transaction.executeWithoutResult(status -> {
				fence();
				this.skippedEvents.record(this.settings.consumer(), event, cause);
				if (this.settings.offsetMode() == StreamOffsetMode.TRANSACTIONAL) {
					this.template.saveOffset(this.settings.consumer(), this.settings.topic(), event.offset());
				}
			});
			logger.warn("Honker stream consumer '" + this.settings.consumer() + "' skipped event " + event.offset()
					+ " of topic '" + this.settings.topic() + "' after " + attempts
					+ " attempt(s); recorded in honker_stream_skipped", cause);
			this.offset = event.offset();
			if (this.settings.offsetMode() == StreamOffsetMode.TRANSACTIONAL) {
				this.savedOffset = event.offset();
			}
			return true;
		}
		if (this.settings.offsetMode() == StreamOffsetMode.AFTER_BATCH) {
			saveOffset();
		}
		fail(new StreamConsumerFailedException("Honker stream consumer '" + this.settings.consumer()
				+ "' stopped at event " + event.offset() + " of topic '" + this.settings.topic() + "' after " + attempts
				+ " failed attempt(s); fix the cause and start it again, it resumes with this event", cause));
		return false;
	}

	/**
	 * Saves the offset of the handled events, renewing the lock in the same transaction.
	 */
	private void saveOffset() {
		if (this.offset <= this.savedOffset || !this.holding) {
			return;
		}
		long handled = this.offset;
		try {
			this.transaction.executeWithoutResult(status -> {
				fence();
				this.template.saveOffset(this.settings.consumer(), this.settings.topic(), handled);
			});
			this.savedOffset = handled;
		}
		catch (LockLostException ex) {
			lost();
		}
	}

	/** Renews the lock in the current transaction, which rolls back if it was lost. */
	private void fence() {
		if (!this.template.renewLock(this.settings.lockName(), this.owner, this.settings.lockTtl())) {
			throw new LockLostException();
		}
	}

	private void renewLock() {
		if (!this.holding) {
			return;
		}
		try {
			if (!this.template.renewLock(this.settings.lockName(), this.owner, this.settings.lockTtl())) {
				lost();
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Honker stream consumer '" + getId() + "': renewing its lock failed; trying again", ex);
		}
	}

	private void lost() {
		if (this.holding) {
			this.holding = false;
			this.nextLockAttempt = Instant.MIN;
			logger.warn("Honker stream consumer '" + this.settings.consumer() + "' lost its lock on topic '"
					+ this.settings.topic() + "' (another process took over); its unsaved events are handled again");
		}
	}

	private void release() {
		this.holding = false;
		try {
			this.template.unlock(this.settings.lockName(), this.owner);
		}
		catch (RuntimeException ex) {
			logger.warn("Honker stream consumer '" + getId() + "': cannot release its lock; it expires in "
					+ this.settings.lockTtl(), ex);
		}
	}

	private ExponentialBackOff backoff() {
		ExponentialBackOff backoff = new ExponentialBackOff(this.settings.backoff().initialInterval().toMillis(),
				this.settings.backoff().multiplier());
		backoff.setMaxInterval(this.settings.backoff().maxInterval().toMillis());
		backoff.setJitter(
				Math.round(this.settings.backoff().initialInterval().toMillis() * this.settings.backoff().jitter()));
		return backoff;
	}

	/** Sleeps, ending early on stop; returns whether the consumer should go on. */
	private boolean sleep(long millis) throws InterruptedException {
		long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		while (!isStopping() && this.holding) {
			long left = end - System.nanoTime();
			if (left <= 0) {
				return true;
			}
			TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
		}
		return false;
	}

	private static String hostAndPid() {
		try {
			return InetAddress.getLocalHost().getHostName() + ":" + ProcessHandle.current().pid();
		}
		catch (UnknownHostException ex) {
			return "localhost:" + ProcessHandle.current().pid();
		}
	}

	/** The lock was no longer this process's; the transaction rolls back. */
	private static final class LockLostException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		LockLostException() {
			super(null, null, false, false);
		}

	}

	/** Carries a checked exception of the handler out of the transaction callback. */
	private static final class HandlerException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		HandlerException(Exception cause) {
			super(cause);
		}

	}

}
