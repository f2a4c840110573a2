package dev.honker.spring.listener;

import java.lang.reflect.Type;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;

/**
 * Converts a job's JSON payload to a listener method's payload parameter with the
 * application's Jackson mapper. A {@code String} parameter receives a JSON string payload
 * decoded, and any other payload as its JSON text.
 */
final class PayloadConverter {

	private final ObjectReader reader;

	private final String typeName;

	private final boolean text;

	private PayloadConverter(ObjectReader reader, String typeName, boolean text) {
		this.reader = reader;
		this.typeName = typeName;
		this.text = text;
	}

	static PayloadConverter forType(ObjectMapper mapper, Type type) {
		if (type == null) {
			return new PayloadConverter(null, "nothing", false);
		}
		return new PayloadConverter(mapper.readerFor(mapper.constructType(type)), type.getTypeName(),
				type == String.class);
	}

	/**
	 * Converts a payload.
	 * @throws PayloadConversionException naming the job and the target type when the
	 * payload does not fit
	 */
	Object convert(long jobId, String payload) {
		if (this.reader == null) {
			return null;
		}
		if (this.text && !payload.stripLeading().startsWith("\"")) {
			return payload;
		}
		try {
			return this.reader.readValue(payload);
		}
		catch (JacksonException ex) {
			throw new PayloadConversionException("payload of job " + jobId + " cannot be converted to " + this.typeName
					+ ": " + ex.getOriginalMessage(), ex);
		}
	}

}
