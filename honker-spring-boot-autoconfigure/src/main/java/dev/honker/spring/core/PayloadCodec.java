package dev.honker.spring.core;

import java.time.Instant;
import java.util.Collection;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;
import org.jspecify.annotations.Nullable;

/**
 * Turns payloads and results into the JSON text Honker stores, and back, with the
 * application's Jackson mapper. A {@code String} payload becomes a JSON string, as the
 * Python binding stores it.
 */
final class PayloadCodec {

	private final ObjectMapper mapper;

	/** Reads exactly one JSON value; immutable, so one serves every call. */
	private final ObjectReader oneValue;

	PayloadCodec(ObjectMapper mapper) {
		this.mapper = mapper;
		this.oneValue = mapper.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
	}

	String write(String what, Object value) {
		try {
			return this.mapper.writeValueAsString(value);
		}
		catch (JacksonException ex) {
			throw cannotWrite(what, value, ex);
		}
	}

	/** Writes every value, in order; a failure names the value as {@code what[index]}. */
	String[] writeAll(String what, Collection<?> values) {
		String[] json = new String[values.size()];
		int index = 0;
		for (Object value : values) {
			try {
				json[index] = this.mapper.writeValueAsString(value);
			}
			catch (JacksonException ex) {
				throw cannotWrite(what + "[" + index + "]", value, ex);
			}
			index++;
		}
		return json;
	}

	private static HonkerPayloadException cannotWrite(String what, Object value, JacksonException ex) {
		return new HonkerPayloadException("Cannot write " + what + " of type " + value.getClass().getName()
				+ " as JSON: " + ex.getOriginalMessage(), ex);
	}

	/** Checks that text is exactly one JSON value and returns it unchanged. */
	String validJson(String what, String json) {
		if (json == null) {
			throw new IllegalArgumentException(what + " must not be null; pass \"null\" for a JSON null");
		}
		try {
			JsonNode value = this.oneValue.readValue(json);
			if (value == null || value.isMissingNode()) {
				throw new HonkerPayloadException(what + " is not valid JSON: no value in '" + json + "'", null);
			}
			return json;
		}
		catch (JacksonException ex) {
			throw new HonkerPayloadException(what + " is not valid JSON: " + ex.getOriginalMessage(), ex);
		}
	}

	<T> T read(String what, String json, Class<T> type) {
		try {
			return this.mapper.readValue(json, type);
		}
		catch (JacksonException ex) {
			throw new HonkerPayloadException(
					"Cannot read " + what + " as " + type.getName() + ": " + ex.getOriginalMessage(), ex);
		}
	}

	/** Reads the JSON object honker_get_job returns. */
	Job readJob(String json) {
		JsonNode row = this.mapper.readTree(json);
		return new Job(row.get("id").asLong(), row.get("queue").asString(), row.get("payload").asString(),
				row.get("state").asString(), row.get("priority").asLong(), instant(row, "run_at"),
				text(row, "worker_id"), instant(row, "claim_expires_at"), row.get("attempts").asLong(),
				row.get("max_attempts").asLong(), instant(row, "created_at"), instant(row, "expires_at"));
	}

	private static @Nullable String text(JsonNode row, String field) {
		JsonNode value = row.get(field);
		return (value == null || value.isNull()) ? null : value.asString();
	}

	private static @Nullable Instant instant(JsonNode row, String field) {
		JsonNode value = row.get(field);
		return (value == null || value.isNull()) ? null : Instant.ofEpochSecond(value.asLong());
	}

}
