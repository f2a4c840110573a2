package dev.honker.spring.listener;

import java.lang.reflect.Type;

import org.jspecify.annotations.Nullable;

/**
 * A listener's payload type with the {@link PayloadConverter} that produces it, checked
 * when the listener is created, for every kind of listener.
 */
public final class PayloadBinding {

	private final PayloadConverter converter;

	private final @Nullable Type type;

	private PayloadBinding(PayloadConverter converter, @Nullable Type type) {
		this.converter = converter;
		this.type = type;
	}

	/**
	 * Binds a listener's payload type to a converter.
	 * @param converter the converter
	 * @param type the payload type, or {@code null} when the listener takes no payload
	 * @param listener the listener, for the message
	 * @return the binding
	 * @throws ListenerConfigurationException if the converter cannot produce the type
	 */
	public static PayloadBinding of(PayloadConverter converter, @Nullable Type type, String listener) {
		if (type != null && !converter.canConvert(type)) {
			throw new ListenerConfigurationException(
					listener + ": the payload type " + type.getTypeName() + " is not supported by "
							+ converter.getClass().getName(),
					"Take a record, POJO, String, JsonNode, Map or collection, or declare a PayloadConverter bean"
							+ " that reads this type.");
		}
		return new PayloadBinding(converter, type);
	}

	/**
	 * Converts a payload.
	 * @param payload the payload as stored: one JSON value
	 * @param what what the payload belongs to, for the message, for example
	 * {@code job 42}
	 * @return the converted payload, or {@code null} when the listener takes none
	 * @throws PayloadConversionException naming {@code what} and the type when the
	 * payload does not fit
	 */
	public @Nullable Object convert(String payload, String what) {
		if (this.type == null) {
			return null;
		}
		try {
			return this.converter.convert(payload, this.type);
		}
		catch (RuntimeException ex) {
			throw new PayloadConversionException("payload of " + what + " cannot be converted to "
					+ this.type.getTypeName() + ": " + ex.getMessage(), ex);
		}
	}

}
