package dev.honker.spring.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class DefaultJobErrorHandlerTests {

	@Test
	void delaysGrowExponentiallyUpToTheMaximum() {
		DefaultJobErrorHandler handler = new DefaultJobErrorHandler(
				new RetryBackoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10), 0), List.of());
		assertThat(List.of(1L, 2L, 3L, 4L, 5L, 6L, 100L)).map(handler::retryDelay)
			.map(Duration::toSeconds)
			.containsExactly(1L, 2L, 4L, 8L, 10L, 10L, 10L);
	}

	@Test
	void jitterStaysWithinItsShareOfTheDelay() {
		DefaultJobErrorHandler handler = new DefaultJobErrorHandler(
				new RetryBackoff(Duration.ofSeconds(10), 2.0, Duration.ofMinutes(10), 0.2), List.of());
		for (int i = 0; i < 200; i++) {
			assertThat(handler.retryDelay(1)).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(12));
			assertThat(handler.retryDelay(2)).isBetween(Duration.ofSeconds(16), Duration.ofSeconds(24));
		}
	}

	@Test
	void zeroInitialIntervalRetriesAtOnce() {
		DefaultJobErrorHandler handler = new DefaultJobErrorHandler(
				new RetryBackoff(Duration.ZERO, 2.0, Duration.ofSeconds(10), 0.5), List.of());
		assertThat(handler.retryDelay(3)).isZero();
	}

	@Test
	void retryableFailureIsRetriedAfterTheDelayOfItsAttemptWithClassAndMessage() {
		DefaultJobErrorHandler handler = new DefaultJobErrorHandler(
				new RetryBackoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10), 0), List.of());
		FailureAction action = handler.handle(failed(3, new IllegalStateException("boom")));
		assertThat(action.kind()).isEqualTo(FailureAction.Kind.RETRY);
		assertThat(action.delay()).isEqualTo(Duration.ofSeconds(4));
		assertThat(action.error()).isEqualTo("java.lang.IllegalStateException: boom");
	}

	@Test
	void nonRetryableTypesMatchSubclassesAndCauses() {
		DefaultJobErrorHandler handler = new DefaultJobErrorHandler(
				new RetryBackoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10), 0),
				List.of(IllegalArgumentException.class));
		assertThat(kind(handler, new IllegalStateException("x"))).isEqualTo(FailureAction.Kind.RETRY);
		assertThat(kind(handler, new IllegalArgumentException("x"))).isEqualTo(FailureAction.Kind.DEAD_LETTER);
		assertThat(kind(handler, new NumberFormatException("x"))).isEqualTo(FailureAction.Kind.DEAD_LETTER);
		assertThat(kind(handler, new UncheckedIOException(null, new IOException(new IllegalArgumentException()))))
			.isEqualTo(FailureAction.Kind.DEAD_LETTER);
		assertThat(kind(handler, new PayloadConversionException("bad", null)))
			.isEqualTo(FailureAction.Kind.DEAD_LETTER);
	}

	@Test
	void retryBackoffRejectsOutOfRangeSettings() {
		assertThatThrownBy(() -> new RetryBackoff(Duration.ofSeconds(5), 2.0, Duration.ofSeconds(1), 0))
			.hasMessageContaining("max-interval must not be shorter than initial-interval");
		assertThatThrownBy(() -> new RetryBackoff(Duration.ofSeconds(-1), 2.0, Duration.ofSeconds(1), 0))
			.hasMessageContaining("initial-interval must not be negative, got PT-1S");
	}

	@Test
	void failureActionsRejectBadArguments() {
		assertThatThrownBy(() -> FailureAction.retry(Duration.ofSeconds(-1), "e"))
			.hasMessage("delay must not be negative, got PT-1S");
		assertThatThrownBy(() -> FailureAction.moveTo(" ")).hasMessage("queue must not be empty, got ' '");
	}

	private static FailureAction.Kind kind(DefaultJobErrorHandler handler, Throwable failure) {
		return handler.handle(failed(1, failure)).kind();
	}

	private static FailedJob failed(long attempts, Throwable failure) {
		HonkerJob job = new HonkerJob(7, "q", attempts, 5, Instant.EPOCH, Instant.EPOCH, "w");
		return new FailedJob(job, "{}", failure, null);
	}

}
