package dev.honker.sqlite;

import static dev.honker.sqlite.SqlAssertions.*;
import static dev.honker.sqlite.TestDatabase.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code honker_stream_publish}, {@code honker_stream_read_since},
 * {@code honker_stream_save_offset} and {@code honker_stream_get_offset}
 * (docs/compatibility.md, Streams): global never-reused offsets, the exact JSON of
 * read_since (sorted keys, compact, payload as a JSON string), monotonic consumer
 * offsets, transactions and sharing between connections (argument typing:
 * {@link StrictTypingTests}).
 */
class StreamFunctionsTests {

	@TempDir
	Path dir;

	Connection db;

	@BeforeEach
	void open() throws Exception {
		db = TestDatabase.open(dir.resolve("streams.db"));
	}

	@AfterEach
	void close() throws Exception {
		db.close();
	}

	@Test
	void publishReturnsGlobalOffsetsStartingAtOneAndStoresTheKey() throws Exception {
		assertThat(publish("orders", null, "{\"id\":1}")).isEqualTo(1);
		assertThat(publish("audit", "k", "{\"id\":2}")).isEqualTo(2);
		assertThat(publish("orders", "k", "{\"id\":3}")).isEqualTo(3);

		assertThat(queryRows(db, "SELECT offset, topic, key, payload FROM _honker_stream ORDER BY offset"))
			.containsExactly(Arrays.asList(1, "orders", null, "{\"id\":1}"),
					Arrays.asList(2, "audit", "k", "{\"id\":2}"), Arrays.asList(3, "orders", "k", "{\"id\":3}"));
		assertThat(queryLong(db, "SELECT count(*) FROM _honker_notifications")).as("publish writes no wake row")
			.isZero();
	}

	@Test
	void readSinceReturnsCompactJsonWithSortedKeysAndThePayloadAsAString() throws Exception {
		publish("orders", null, "{\"to\":\"alice\"}");
		publish("orders", "order-7", "[1, 2]");
		execute(db, "UPDATE _honker_stream SET created_at = 1700000000");

		assertThat(readSince("orders", 0, 10)).isEqualTo("[{\"created_at\":1700000000,\"key\":null,\"offset\":1,"
				+ "\"payload\":\"{\\\"to\\\":\\\"alice\\\"}\",\"topic\":\"orders\"},"
				+ "{\"created_at\":1700000000,\"key\":\"order-7\",\"offset\":2,\"payload\":\"[1, 2]\",\"topic\":\"orders\"}]");
	}

	@Test
	void readSinceEscapesQuotesBackslashesAndControlCharacters() throws Exception {
		String payload = "{\"say\":\"a \\\"b\\\"\"}\n\tc\u0001/é";
		String key = "k\"\\\r";
		publish("t", key, payload);
		execute(db, "UPDATE _honker_stream SET created_at = 5");

		String json = readSince("t", 0, 10);
		assertThat(json).isEqualTo("[{\"created_at\":5,\"key\":\"k\\\"\\\\\\r\",\"offset\":1,"
				+ "\"payload\":\"{\\\"say\\\":\\\"a \\\\\\\"b\\\\\\\"\\\"}\\n\\tc\\u0001/é\",\"topic\":\"t\"}]");
		JsonNode event = JsonMapper.builder().build().readTree(json).get(0);
		assertThat(event.get("payload").asString()).isEqualTo(payload);
		assertThat(event.get("key").asString()).isEqualTo(key);
	}

	@Test
	void readSinceIsExclusiveOrderedFilteredAndLimited() throws Exception {
		for (int i = 1; i <= 6; i++) {
			publish(i % 2 == 0 ? "even" : "odd", null, Integer.toString(i));
		}
		assertThat(offsetsOf(readSince("even", 0, 10))).containsExactly(2L, 4L, 6L);
		assertThat(offsetsOf(readSince("even", 2, 10))).as("offset is exclusive").containsExactly(4L, 6L);
		assertThat(offsetsOf(readSince("even", 3, 1))).containsExactly(4L);
		assertThat(offsetsOf(readSince("odd", 0, -1))).as("a negative limit is no limit").containsExactly(1L, 3L, 5L);
		assertThat(readSince("even", 6, 10)).isEqualTo("[]");
		assertThat(readSince("even", 0, 0)).isEqualTo("[]");
		assertThat(readSince("none", 0, 10)).isEqualTo("[]");
	}

	@Test
	void offsetsAreNeverReusedAfterADelete() throws Exception {
		publish("t", null, "1");
		publish("t", null, "2");
		execute(db, "DELETE FROM _honker_stream WHERE offset = 2");
		assertThat(publish("t", null, "3")).isEqualTo(3);
	}

	@Test
	void aHundredKilobytePayloadRoundTrips() throws Exception {
		String payload = "\"" + "x".repeat(100 * 1024) + "\"";
		publish("big", null, payload);
		JsonNode event = JsonMapper.builder().build().readTree(readSince("big", 0, 1)).get(0);
		assertThat(event.get("payload").asString()).isEqualTo(payload);
	}

	@Test
	void savedOffsetsOnlyMoveForward() throws Exception {
		assertThat(getOffset("worker", "orders")).as("nothing saved yet").isZero();
		assertThat(saveOffset("worker", "orders", 5)).isEqualTo(1);
		assertThat(saveOffset("worker", "orders", 3)).as("rewind ignored").isZero();
		assertThat(saveOffset("worker", "orders", 5)).as("same offset").isZero();
		assertThat(getOffset("worker", "orders")).isEqualTo(5);
		assertThat(saveOffset("worker", "orders", 10)).isEqualTo(1);
		assertThat(getOffset("worker", "orders")).isEqualTo(10);
	}

	@Test
	void offsetsArePerConsumerAndTopic() throws Exception {
		saveOffset("a", "orders", 7);
		assertThat(saveOffset("b", "orders", 2)).isEqualTo(1);
		assertThat(saveOffset("a", "audit", 0)).as("a first save inserts, whatever the offset").isEqualTo(1);
		assertThat(getOffset("a", "orders")).isEqualTo(7);
		assertThat(getOffset("b", "orders")).isEqualTo(2);
		assertThat(getOffset("a", "audit")).isZero();
		assertThat(queryLong(db, "SELECT count(*) FROM _honker_stream_consumers")).isEqualTo(3);
	}

	@Test
	void aRolledBackTransactionLeavesNoEventAndNoOffset() throws Exception {
		execute(db, "CREATE TABLE orders (id INTEGER PRIMARY KEY)");
		db.setAutoCommit(false);
		execute(db, "INSERT INTO orders (id) VALUES (1)");
		publish("orders", null, "{\"id\":1}");
		saveOffset("worker", "orders", 1);
		db.rollback();
		assertThat(queryLong(db, "SELECT count(*) FROM orders")).isZero();
		assertThat(readSince("orders", 0, 10)).isEqualTo("[]");
		assertThat(getOffset("worker", "orders")).isZero();

		execute(db, "INSERT INTO orders (id) VALUES (2)");
		long offset = publish("orders", null, "{\"id\":2}");
		assertError(db, "SELECT honker_stream_publish('orders', NULL, NULL)")
			.hasMessageContaining("honker_stream_publish");
		db.commit();
		db.setAutoCommit(true);
		assertThat(queryLong(db, "SELECT count(*) FROM orders")).isEqualTo(1);
		assertThat(offsetsOf(readSince("orders", 0, 10))).containsExactly(offset);
	}

	@Test
	void twoConnectionsOnOneFileSeeEachOthersCommittedEventsAndOffsets() throws Exception {
		try (Connection other = TestDatabase.open(dir.resolve("streams.db"))) {
			db.setAutoCommit(false);
			publish("orders", null, "1");
			assertThat(queryString(other, "SELECT honker_stream_read_since('orders', 0, 10)")).as("uncommitted")
				.isEqualTo("[]");
			db.commit();
			db.setAutoCommit(true);
			assertThat(offsetsOf(queryString(other, "SELECT honker_stream_read_since('orders', 0, 10)")))
				.containsExactly(1L);

			assertThat(queryLong(other, "SELECT honker_stream_save_offset('worker', 'orders', 1)")).isEqualTo(1);
			assertThat(getOffset("worker", "orders")).isEqualTo(1);
			assertThat(saveOffset("worker", "orders", 0)).isZero();
			assertThat(queryLong(other, "SELECT honker_stream_get_offset('worker', 'orders')")).isEqualTo(1);
		}
	}

	private long publish(String topic, String key, String payload) throws Exception {
		return queryLong(db, "SELECT honker_stream_publish(?, ?, ?)", topic, key, payload);
	}

	private String readSince(String topic, long offset, long limit) throws Exception {
		return queryString(db, "SELECT honker_stream_read_since(?, ?, ?)", topic, offset, limit);
	}

	private long saveOffset(String consumer, String topic, long offset) throws Exception {
		return queryLong(db, "SELECT honker_stream_save_offset(?, ?, ?)", consumer, topic, offset);
	}

	private long getOffset(String consumer, String topic) throws Exception {
		return queryLong(db, "SELECT honker_stream_get_offset(?, ?)", consumer, topic);
	}

	private static List<Long> offsetsOf(String json) {
		return JsonMapper.builder()
			.build()
			.readTree(json)
			.valueStream()
			.map(event -> event.get("offset").asLong())
			.toList();
	}

}
