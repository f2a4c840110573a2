package dev.honker.spring.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class FailurePolicyTests {

	@Test
	void delaysGrowExponentiallyUpToTheMaximumInWholeSeconds() {
		FailurePolicy policy = new FailurePolicy(
				new RetryBackoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10), 0), List.of());
		assertThat(List.of(1L, 2L, 3L, 4L, 5L, 6L, 100L)).map(policy::retryDelaySeconds)
			.containsExactly(1L, 2L, 4L, 8L, 10L, 10L, 10L);
	}

	@Test
	void jitterStaysWithinItsShareOfTheDelay() {
		FailurePolicy policy = new FailurePolicy(
				new RetryBackoff(Duration.ofSeconds(10), 2.0, Duration.ofMinutes(10), 0.2), List.of());
		for (int i = 0; i < 200; i++) {
			assertThat(policy.retryDelaySeconds(1)).isBetween(8L, 12L);
			assertThat(policy.retryDelaySeconds(2)).isBetween(16L, 24L);
		}
	}

	@Test
	void zeroInitialIntervalRetriesAtOnce() {
		FailurePolicy policy = new FailurePolicy(new RetryBackoff(Duration.ZERO, 2.0, Duration.ofSeconds(10), 0.5),
				List.of());
		assertThat(policy.retryDelaySeconds(3)).isZero();
	}

	@Test
	void nonRetryableTypesMatchSubclassesAndCauses() {
		FailurePolicy policy = new FailurePolicy(
				new RetryBackoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10), 0),
				List.of(IllegalArgumentException.class));
		assertThat(policy.isRetryable(new IllegalStateException("x"))).isTrue();
		assertThat(policy.isRetryable(new IllegalArgumentException("x"))).isFalse();
		assertThat(policy.isRetryable(new NumberFormatException("x"))).isFalse();
		assertThat(policy
			.isRetryable(new UncheckedIOException(null, new java.io.IOException(new IllegalArgumentException()))))
			.isFalse();
	}

	@Test
	void retryBackoffRejectsOutOfRangeSettings() {
		assertThatThrownBy(() -> new RetryBackoff(Duration.ofSeconds(5), 2.0, Duration.ofSeconds(1), 0))
			.hasMessageContaining("max-interval must not be shorter than initial-interval");
		assertThatThrownBy(() -> new RetryBackoff(Duration.ofSeconds(-1), 2.0, Duration.ofSeconds(1), 0))
			.hasMessageContaining("initial-interval must not be negative, got PT-1S");
	}

}
