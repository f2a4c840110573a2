package dev.honker.spring.listener;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import org.springframework.boot.convert.DurationStyle;
import org.jspecify.annotations.Nullable;

/**
 * Resolves the {@code ${...}} placeholders of a listener annotation's String attributes
 * and parses them, naming the annotation, the method, the attribute and the value in
 * every error; for each kind of listener annotation.
 */
public final class ListenerAttributes {

	private final UnaryOperator<String> resolver;

	private final String annotation;

	private final String method;

	private final Map<String, String> expected;

	/**
	 * Creates the parser of one annotated method's attributes.
	 * @param resolver resolves placeholders, for example the bean factory's
	 * {@code resolveEmbeddedValue}
	 * @param annotation the annotation, for messages, for example
	 * {@code @HonkerStreamListener}
	 * @param method the annotated method, for messages
	 * @param expected what each attribute that can be invalid takes, for the action of an
	 * error, for example {@code "batchSize" -> "a whole number of at least 1"}
	 */
	public ListenerAttributes(UnaryOperator<String> resolver, String annotation, String method,
			Map<String, String> expected) {
		this.resolver = resolver;
		this.annotation = annotation;
		this.method = method;
		this.expected = expected;
	}

	/**
	 * The attribute with placeholders resolved.
	 * @param name the attribute's name
	 * @param raw the attribute's value
	 * @return the resolved text, empty when the attribute is empty
	 * @throws ListenerConfigurationException if a placeholder cannot be resolved
	 */
	public String text(String name, String raw) {
		try {
			String resolved = this.resolver.apply(raw);
			return resolved == null ? "" : resolved;
		}
		catch (IllegalArgumentException ex) {
			throw new ListenerConfigurationException(
					this.annotation + " on " + this.method + ": " + name + " = '" + raw + "' cannot be resolved: "
							+ ex.getMessage(),
					"Define the property that the placeholder names, or give the placeholder a default, for"
							+ " example ${app.name:value}.",
					ex);
		}
	}

	/**
	 * The attribute parsed, or a default when it is empty.
	 * @param name the attribute's name
	 * @param raw the attribute's value
	 * @param parser parses the resolved text; an {@link IllegalArgumentException}'s
	 * message says what is wrong
	 * @param defaultValue the value of an empty attribute
	 * @param <T> the attribute's type
	 * @return the value
	 * @throws ListenerConfigurationException if the value does not parse
	 */
	public <T> T parse(String name, String raw, Function<String, T> parser, T defaultValue) {
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

	/**
	 * Runs a check of an attribute's value.
	 * @param name the attribute's name
	 * @param raw the attribute's value
	 * @param check throws an {@link IllegalArgumentException} saying what is wrong
	 * @throws ListenerConfigurationException if the check fails
	 */
	public void check(String name, String raw, Runnable check) {
		try {
			check.run();
		}
		catch (IllegalArgumentException ex) {
			throw error(name, text(name, raw), ex.getMessage(), ex);
		}
	}

	/**
	 * Parses a duration: {@code 30s}, {@code PT30S}, or a number of seconds.
	 * @param value the text
	 * @return the duration
	 */
	public static Duration seconds(String value) {
		return DurationStyle.detectAndParse(value, ChronoUnit.SECONDS);
	}

	/**
	 * Parses {@code true} or {@code false}, in any case, and nothing else.
	 * @param value the text
	 * @return the boolean
	 */
	public static boolean bool(String value) {
		if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
			return Boolean.parseBoolean(value);
		}
		throw new IllegalArgumentException("must be true or false");
	}

	/**
	 * Parses the name of an enum constant, in any case.
	 * @param type the enum
	 * @param value the text
	 * @param <E> the enum type
	 * @return the constant
	 */
	public static <E extends Enum<E>> E constant(Class<E> type, String value) {
		try {
			return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("must be one of " + Arrays.toString(type.getEnumConstants()));
		}
	}

	private ListenerConfigurationException error(String name, String value, @Nullable String reason, Exception cause) {
		return new ListenerConfigurationException(
				this.annotation + " on " + this.method + ": " + name + " = '" + value + "' is invalid: " + reason,
				"Set " + name + " to " + this.expected.getOrDefault(name, "a valid value")
						+ ", or leave it empty to use the default.",
				cause);
	}

}
