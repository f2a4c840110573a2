package dev.honker.sqlite;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Durable streams: {@code honker_stream_publish}, {@code honker_stream_read_since},
 * {@code honker_stream_save_offset} and {@code honker_stream_get_offset}. Offsets are the global
 * AUTOINCREMENT key of {@code _honker_stream}, never reused; a consumer's saved offset only moves forward.
 */
final class StreamFunctions {

    private static final String READ_SINCE = """
            SELECT offset, topic, key, payload, created_at FROM _honker_stream
             WHERE topic = ?1 AND offset > ?2 ORDER BY offset LIMIT ?3""";

    private static final String SAVE_OFFSET = """
            INSERT INTO _honker_stream_consumers (name, topic, offset) VALUES (?1, ?2, ?3)
            ON CONFLICT (name, topic) DO UPDATE SET offset = excluded.offset
             WHERE excluded.offset > _honker_stream_consumers.offset""";

    private StreamFunctions() {
    }

    static void register(FunctionRegistrar registrar) throws SQLException {
        registrar.define("honker_stream_publish", List.of("topic", "key", "payload"), f -> {
            String topic = f.text(0);
            String key = f.textOrNull(1);
            String payload = f.text(2);
            f.resultLong(f.statements().queryLong(
                    "INSERT INTO _honker_stream (topic, key, payload) VALUES (?1, ?2, ?3) RETURNING offset", s -> {
                        s.setString(1, topic);
                        s.setString(2, key);
                        s.setString(3, payload);
                    }, 0));
        });
        registrar.define("honker_stream_read_since", List.of("topic", "offset", "limit"), StreamFunctions::readSince);
        registrar.define("honker_stream_save_offset", List.of("consumer", "topic", "offset"), f -> {
            String consumer = f.text(0);
            String topic = f.text(1);
            long offset = f.integer(2);
            int saved = f.statements().update(SAVE_OFFSET, s -> {
                s.setString(1, consumer);
                s.setString(2, topic);
                s.setLong(3, offset);
            });
            f.resultLong(saved > 0 ? 1 : 0);
        });
        registrar.define("honker_stream_get_offset", List.of("consumer", "topic"), f -> {
            String consumer = f.text(0);
            String topic = f.text(1);
            f.resultLong(f.statements().queryLong(
                    "SELECT offset FROM _honker_stream_consumers WHERE name = ?1 AND topic = ?2", s -> {
                        s.setString(1, consumer);
                        s.setString(2, topic);
                    }, 0));
        });
    }

    /** The events of a topic after an offset, oldest first; a negative limit means no limit, as in SQL. */
    private static void readSince(SqlFunction f) throws SQLException {
        String topic = f.text(0);
        long offset = f.integer(1);
        long limit = f.integer(2);
        List<Map<String, Object>> events = new ArrayList<>();
        f.statements().query(READ_SINCE, s -> {
            s.setString(1, topic);
            s.setLong(2, offset);
            s.setLong(3, limit);
        }, row -> {
            Map<String, Object> event = new HashMap<>(8);
            event.put("offset", row.getLong(1));
            event.put("topic", row.getString(2));
            event.put("key", row.getString(3));
            event.put("payload", row.getString(4));
            event.put("created_at", row.getLong(5));
            events.add(event);
        });
        f.resultText(JsonText.array(events));
    }
}
