package dev.honker.spring.listener;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@link ClaimAhead}'s capacity and low-water mark from given handler and pass times: no
 * claim ahead before a handler has finished or for a slow handler, a claim ahead bounded
 * by the horizon and the per-thread cap for a fast one, and a low-water mark that covers
 * one pass of the handlers.
 */
class ClaimAheadSizingTests {

	@Test
	void claimsNoMoreThanTheThreadsBeforeAHandlerHasFinished() {
		ClaimAhead sizing = new ClaimAhead(4);
		assertThat(sizing.capacity()).isEqualTo(4);
		assertThat(sizing.lowWater()).isEqualTo(4);
		sizing.passTook(micros(1_000));
		assertThat(sizing.capacity()).isEqualTo(4);
		assertThat(sizing.lowWater()).isEqualTo(4);
	}

	@Test
	void aSlowHandlerNeverGetsJobsClaimedAheadHowLongEverThePassTakes() {
		ClaimAhead sizing = new ClaimAhead(4);
		sizing.handlerRan(micros(ClaimAhead.HORIZON_MILLIS * 1_000) + 1);
		sizing.passTook(micros(50_000));
		assertThat(sizing.capacity()).isEqualTo(4);
		assertThat(sizing.lowWater()).isEqualTo(4);
	}

	@Test
	void aHandlerOfAMillisecondGetsWhatItFinishesWithinTheHorizon() {
		ClaimAhead sizing = new ClaimAhead(2);
		sizing.handlerRan(micros(1_000));
		assertThat(sizing.capacity()).isEqualTo(2 + 2 * ClaimAhead.HORIZON_MILLIS);
	}

	@Test
	void aFastHandlerGetsAtMostThePerThreadCapClaimedAhead() {
		ClaimAhead sizing = new ClaimAhead(4);
		sizing.handlerRan(micros(2));
		assertThat(sizing.capacity()).isEqualTo(4 + 4 * ClaimAhead.MAX_PER_THREAD);
	}

	@Test
	void fastHandlersGetTheirNextClaimWhileTheyStillHaveAPassWorthOfJobs() {
		ClaimAhead sizing = new ClaimAhead(4);
		sizing.handlerRan(micros(50));
		sizing.passTook(micros(500));
		// 50 us a job on each of 4 threads: 40 jobs during a pass of 500 us
		assertThat(sizing.lowWater()).isEqualTo(40);
		assertThat(sizing.capacity()).isGreaterThan(sizing.lowWater() + 4);
	}

	@Test
	void theLowWaterMarkIsAtMostTheClaimAheadAndAtLeastTheThreads() {
		ClaimAhead fast = new ClaimAhead(4);
		fast.handlerRan(micros(1));
		fast.passTook(micros(10_000));
		assertThat(fast.lowWater()).isEqualTo(fast.capacity() - 4);
		ClaimAhead quickPass = new ClaimAhead(4);
		quickPass.handlerRan(micros(1_000));
		quickPass.passTook(micros(10));
		assertThat(quickPass.lowWater()).isEqualTo(4);
	}

	@Test
	void paceIsAMovingAverageOfAnEighth() {
		ClaimAhead sizing = new ClaimAhead(1);
		sizing.handlerRan(micros(1_000));
		sizing.handlerRan(micros(9_000));
		// (1 ms + (9 ms - 1 ms) / 8) = 2 ms: 2 jobs within the 5 ms horizon
		assertThat(sizing.capacity()).isEqualTo(1 + 2);
	}

	private static long micros(long micros) {
		return micros * 1_000;
	}

}
