package dev.honker.spring.listener;

import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.core.ResolvableType;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;
import org.jspecify.annotations.Nullable;

/**
 * Converts payloads with a Jackson mapper: a record, a POJO, {@code JsonNode}, a
 * {@code Map}, a collection, an array or a simple value. A {@code String} payload type
 * receives a JSON string payload decoded and any other payload as its JSON text, so a
 * listener can take the raw JSON.
 */
public class JacksonPayloadConverter implements PayloadConverter {

	private final ObjectMapper mapper;

	private final Map<Type, ObjectReader> readers = new ConcurrentHashMap<>();

	/**
	 * Creates the converter.
	 * @param mapper the application's Jackson mapper
	 */
	public JacksonPayloadConverter(ObjectMapper mapper) {
		this.mapper = Objects.requireNonNull(mapper, "mapper must not be null");
	}

	/**
	 * Refuses abstract types other than {@code Map}, collections and {@code JsonNode},
	 * which Jackson cannot create.
	 */
	@Override
	public boolean canConvert(Type type) {
		Class<?> raw = ResolvableType.forType(type).resolve();
		if (raw == null || raw.isPrimitive() || raw.isArray()) {
			return raw != null;
		}
		if (raw.isInterface() || Modifier.isAbstract(raw.getModifiers())) {
			return Map.class.isAssignableFrom(raw) || Collection.class.isAssignableFrom(raw)
					|| JsonNode.class.isAssignableFrom(raw);
		}
		return true;
	}

	/**
	 * @throws IllegalArgumentException with Jackson's message when the payload does not
	 * fit the type
	 */
	@Override
	public @Nullable Object convert(String payload, Type type) {
		if (type == String.class && !payload.stripLeading().startsWith("\"")) {
			return payload;
		}
		ObjectReader reader = this.readers.computeIfAbsent(type,
				key -> this.mapper.readerFor(this.mapper.constructType(key)));
		try {
			return reader.readValue(payload);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException(ex.getOriginalMessage(), ex);
		}
	}

}
