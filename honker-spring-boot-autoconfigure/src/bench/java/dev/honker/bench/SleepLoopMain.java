package dev.honker.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * A process that only wakes every millisecond and does nothing: the CPU floor of any 1 ms
 * poller on the machine, a baseline for {@link IdleWorkerCpuBenchmark}.
 */
public final class SleepLoopMain {

	private SleepLoopMain() {
	}

	/** Sleeps a millisecond at a time until killed. */
	public static void main(String[] args) {
		System.out.println("worker ready");
		while (true) {
			LockSupport.parkNanos(1_000_000);
		}
	}

}
