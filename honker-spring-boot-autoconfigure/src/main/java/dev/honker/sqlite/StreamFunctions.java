package dev.honker.sqlite;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Durable streams: {@code honker_stream_publish}, {@code honker_stream_read_since},
 * {@code honker_stream_save_offset} and {@code honker_stream_get_offset}. Offsets are the
 * global AUTOINCREMENT key of {@code _honker_stream}, never reused; a consumer's saved
 * offset only moves forward.
 */
final class StreamFunctions {

	private static final String PUBLISH = "INSERT INTO _honker_stream (topic, key, payload) VALUES (?1, ?2, ?3) RETURNING offset";

	/**
	 * The events of a topic after an offset, oldest first; a negative limit means no
	 * limit, as in SQL.
	 */
	private static final String READ_SINCE = """
			SELECT offset, topic, key, payload, created_at FROM _honker_stream
			 WHERE topic = ?1 AND offset > ?2 ORDER BY offset LIMIT ?3""";

	private static final String SAVE_OFFSET = """
			INSERT INTO _honker_stream_consumers (name, topic, offset) VALUES (?1, ?2, ?3)
			ON CONFLICT (name, topic) DO UPDATE SET offset = excluded.offset
			 WHERE excluded.offset > _honker_stream_consumers.offset""";

	private static final String GET_OFFSET = "SELECT offset FROM _honker_stream_consumers WHERE name = ?1 AND topic = ?2";

	private StreamFunctions() {
	}

	static void register(FunctionRegistrar registrar) throws SQLException {
		registrar.define("honker_stream_publish", List.of("topic", "key", "payload"),
				f -> f.resultLong(f.statements().queryLong(PUBLISH, f.text(0), f.textOrNull(1), f.text(2))));
		registrar.define("honker_stream_read_since", List.of("topic", "offset", "limit"),
				f -> f.resultText(JsonText.array(f.statements().queryList(READ_SINCE, row -> {
					Map<String, Object> event = new HashMap<>();
					event.put("offset", row.getLong(1));
					event.put("topic", row.getString(2));
					event.put("key", row.getString(3));
					event.put("payload", row.getString(4));
					event.put("created_at", row.getLong(5));
					return event;
				}, f.text(0), f.integer(1), f.integer(2)))));
		registrar.define("honker_stream_save_offset", List.of("consumer", "topic", "offset"),
				f -> f.resultLong(f.statements().update(SAVE_OFFSET, f.text(0), f.text(1), f.integer(2))));
		registrar.define("honker_stream_get_offset", List.of("consumer", "topic"),
				f -> f.resultLong(f.statements().queryLong(GET_OFFSET, f.text(0), f.text(1))));
	}

}
