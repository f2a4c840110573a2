package dev.honker.spring.listener;

import dev.honker.spring.watch.Subscription;

/**
 * The stop and wake bookkeeping of a run whose thread waits on a watcher
 * {@link Subscription}: a stop request signals the subscription, and the stop callback
 * runs once the thread says it has {@linkplain #ended() ended}, or at once if it already
 * has.
 */
abstract class SubscribedRun implements AbstractListenerContainer.Run {

	final Subscription subscription;

	private volatile boolean stopping;

	private volatile boolean ended;

	private Runnable afterStop = () -> {
	};

	SubscribedRun(Subscription subscription) {
		this.subscription = subscription;
	}

	@Override
	public void stop(Runnable callback) {
		synchronized (this) {
			if (!this.ended) {
				this.afterStop = callback;
				this.stopping = true;
				this.subscription.signal();
				return;
			}
		}
		callback.run();
	}

	@Override
	public boolean isRunning() {
		return !this.ended;
	}

	/** Makes the run look for work now, for example after a resume. */
	@Override
	public void wake() {
		this.subscription.signal();
	}

	/** Whether a stop was asked for; the run's thread finishes its work and ends. */
	final boolean isStopping() {
		return this.stopping;
	}

	/** Called by the run's thread: it ends after what it is doing, without a callback. */
	final void stopAfterThisPass() {
		this.stopping = true;
	}

	/**
	 * Called by the run's thread last: the run has ended; runs the stop callback, if any.
	 */
	final void ended() {
		Runnable callback;
		synchronized (this) {
			this.ended = true;
			callback = this.afterStop;
		}
		callback.run();
	}

}
