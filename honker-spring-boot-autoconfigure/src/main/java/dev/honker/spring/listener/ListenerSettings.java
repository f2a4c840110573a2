package dev.honker.spring.listener;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import org.springframework.boot.convert.DurationStyle;

/**
 * The settings of one listener: its annotation's attributes, placeholders resolved, over
 * the defaults.
 */
record ListenerSettings(String id, String queue, int concurrency, boolean autoStartup, long visibilitySeconds,
		Duration idlePollInterval, Duration shutdownTimeout, AckMode ackMode, RetryBackoff backoff,
		List<Class<? extends Throwable>> nonRetryableExceptions) {

	static ListenerSettings resolve(HonkerListener annotation, UnaryOperator<String> resolver, String defaultId,
			String method, ListenerDefaults defaults) {
		Attributes attributes = new Attributes(resolver, method);
		String queue = attributes.text("queue", annotation.queue());
		if (queue.isBlank()) {
			throw new ListenerConfigurationException(
					"@HonkerListener on " + method + ": queue must not be empty, got '" + queue + "'",
					"Name the queue to consume, for example @HonkerListener(queue = \"emails\"); if it is a"
							+ " placeholder, define the property it names.");
		}
		String id = attributes.text("id", annotation.id());
		Duration visibility = attributes.parse("visibilityTimeout", annotation.visibilityTimeout(),
				ListenerSettings::seconds, defaults.visibilityTimeout());
		attributes.check("visibilityTimeout", annotation.visibilityTimeout(),
				() -> requireVisibilityTimeout("visibility timeout", visibility));
		RetryBackoff defaultBackoff = defaults.backoff();
		List<Class<? extends Throwable>> nonRetryable = new ArrayList<>(defaults.nonRetryableExceptions());
		nonRetryable.addAll(Arrays.asList(annotation.nonRetryable()));
		int concurrency = attributes.parse("concurrency", annotation.concurrency(), Integer::valueOf,
				defaults.concurrency());
		attributes.check("concurrency", annotation.concurrency(), () -> {
			if (concurrency < 1) {
				throw new IllegalArgumentException("must be at least 1");
			}
		});
		Duration initial = attributes.parse("backoffInitialInterval", annotation.backoffInitialInterval(),
				ListenerSettings::seconds, defaultBackoff.initialInterval());
		double multiplier = attributes.parse("backoffMultiplier", annotation.backoffMultiplier(), Double::valueOf,
				defaultBackoff.multiplier());
		Duration max = attributes.parse("backoffMaxInterval", annotation.backoffMaxInterval(),
				ListenerSettings::seconds, defaultBackoff.maxInterval());
		double jitter = attributes.parse("backoffJitter", annotation.backoffJitter(), Double::valueOf,
				defaultBackoff.jitter());
		RetryBackoff backoff;
		try {
			backoff = new RetryBackoff(initial, multiplier, max, jitter);
		}
		catch (IllegalArgumentException ex) {
			throw new ListenerConfigurationException("@HonkerListener on " + method + ": backoff " + ex.getMessage(),
					"Give the backoff an initial interval of zero or more, a max interval at least as long, a"
							+ " multiplier of at least 1 and a jitter between 0 and 1, or leave the backoff attributes"
							+ " empty to use the listener defaults.",
					ex);
		}
		return new ListenerSettings(id.isEmpty() ? defaultId : id, queue, concurrency,
				attributes.parse("autoStartup", annotation.autoStartup(), ListenerSettings::bool,
						defaults.autoStartup()),
				visibility.getSeconds(), defaults.idlePollInterval(), defaults.shutdownTimeout(),
				attributes.parse("ackMode", annotation.ackMode(), ListenerSettings::ackMode, defaults.ackMode()),
				backoff, List.copyOf(nonRetryable));
	}

	/**
	 * A third of the visibility timeout: how long a handler runs before its first
	 * heartbeat, and between two.
	 */
	Duration heartbeatInterval() {
		return Duration.ofSeconds(this.visibilitySeconds).dividedBy(3);
	}

	static void requireVisibilityTimeout(String name, Duration value) {
		if (value == null || value.getSeconds() < 1 || value.getNano() != 0) {
			throw new IllegalArgumentException(name + " must be a whole number of seconds, at least 1s, got " + value);
		}
	}

	private static Duration seconds(String value) {
		return DurationStyle.detectAndParse(value, ChronoUnit.SECONDS);
	}

	private static boolean bool(String value) {
		if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
			return Boolean.parseBoolean(value);
		}
		throw new IllegalArgumentException("must be true or false");
	}

	private static AckMode ackMode(String value) {
		try {
			return AckMode.valueOf(value.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("must be one of " + Arrays.toString(AckMode.values()));
		}
	}

	/**
	 * Resolves and parses one annotation's attributes, naming method, attribute and value
	 * in every error.
	 */
	private static final class Attributes {

		/** What each attribute that can be invalid takes. */
		private static final Map<String, String> EXPECTED = Map.of("concurrency", "a whole number of at least 1",
				"autoStartup", "true or false", "ackMode", "AFTER_HANDLER or TRANSACTIONAL", "visibilityTimeout",
				"a whole number of seconds of at least 1, such as 30s, PT30S or 30", "backoffInitialInterval",
				"a duration such as 1s, PT1S or 1 (seconds)", "backoffMaxInterval",
				"a duration such as 5m, PT5M or 300 (seconds)", "backoffMultiplier",
				"a number of at least 1, such as 2", "backoffJitter", "a number between 0 and 1, such as 0.1");

		private final UnaryOperator<String> resolver;

		private final String method;

		Attributes(UnaryOperator<String> resolver, String method) {
			this.resolver = resolver;
			this.method = method;
		}

		String text(String name, String raw) {
			try {
				String resolved = this.resolver.apply(raw);
				return resolved == null ? "" : resolved;
			}
			catch (IllegalArgumentException ex) {
				throw new ListenerConfigurationException(
						"@HonkerListener on " + this.method + ": " + name + " = '" + raw + "' cannot be resolved: "
								+ ex.getMessage(),
						"Define the property that the placeholder names, or give the placeholder a default, for"
								+ " example ${app.queue:emails}.",
						ex);
			}
		}

		<T> T parse(String name, String raw, Function<String, T> parser, T defaultValue) {
			String value = text(name, raw).trim();
			if (value.isEmpty()) {
				return defaultValue;
			}
			try {
				return parser.apply(value);
			}
			catch (IllegalArgumentException ex) {
				throw error(name, value, ex.getMessage(), ex);
			}
		}

		void check(String name, String raw, Runnable check) {
			try {
				check.run();
			}
			catch (IllegalArgumentException ex) {
				throw error(name, text(name, raw), ex.getMessage(), ex);
			}
		}

		private ListenerConfigurationException error(String name, String value, String reason, Exception cause) {
			return new ListenerConfigurationException(
					"@HonkerListener on " + this.method + ": " + name + " = '" + value + "' is invalid: " + reason,
					"Set " + name + " to " + EXPECTED.getOrDefault(name, "a valid value")
							+ ", or leave it empty to use the listener default.",
					cause);
		}

	}
}
