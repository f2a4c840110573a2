package dev.honker.postgres;

import static dev.honker.postgres.PostgresTestDatabase.queryLong;
import static dev.honker.postgres.PostgresTestDatabase.queryRows;
import static dev.honker.postgres.PostgresTestDatabase.queryString;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Streams on PostgreSQL (docs/compatibility.md, Streams; docs/postgresql.md,
 * Concurrency): offsets, {@code read_since}'s JSON, limits, consumer offsets that only
 * move forward, and publishers of one topic that commit in offset order.
 */
class PostgresStreamFunctionsTests {

	Connection connection;

	@BeforeEach
	void open() throws SQLException {
		this.connection = PostgresTestDatabase.open();
	}

	@AfterEach
	void close() throws SQLException {
		this.connection.close();
	}

	@Test
	void publishReturnsGlobalIncreasingOffsets() throws Exception {
		assertThat(publish("a", "k", "{}")).isEqualTo(1);
		assertThat(publish("b", null, "{}")).isEqualTo(2);
		assertThat(publish("a", null, "[1]")).isEqualTo(3);

		assertThat(queryRows(this.connection, "SELECT \"offset\", topic, key, payload FROM _honker_stream ORDER BY 1"))
			.containsExactly(Arrays.asList(1L, "a", "k", "{}"), Arrays.asList(2L, "b", null, "{}"),
					Arrays.asList(3L, "a", null, "[1]"));
	}

	@Test
	void readSinceReturnsTheTopicsLaterEventsOldestFirstAsJson() throws Exception {
		long created = PostgresOneSecond.run(this.connection, (now) -> {
			publish("orders", "o-1", "{\"n\":1}");
			publish("other", null, "{}");
			publish("orders", null, "\"x\"");
			return now;
		});

		assertThat(queryString(this.connection, "SELECT honker_stream_read_since('orders', 0, 10)"))
			.isEqualTo("[{\"created_at\":" + created + ",\"key\":\"o-1\",\"offset\":1,\"payload\":\"{\\\"n\\\":1}\","
					+ "\"topic\":\"orders\"},{\"created_at\":" + created
					+ ",\"key\":null,\"offset\":3,\"payload\":\"\\\"x\\\"\",\"topic\":\"orders\"}]");
		assertThat(queryString(this.connection, "SELECT honker_stream_read_since('orders', 1, 10)"))
			.contains("\"offset\":3")
			.doesNotContain("\"offset\":1");
		assertThat(queryString(this.connection, "SELECT honker_stream_read_since('orders', 3, 10)")).isEqualTo("[]");
		assertThat(queryString(this.connection, "SELECT honker_stream_read_since('nobody', 0, 10)")).isEqualTo("[]");
	}

	@Test
	void limitCapsTheEventsAndANegativeLimitMeansAll() throws Exception {
		for (int i = 0; i < 5; i++) {
			publish("t", null, "{}");
		}

		assertThat(queryString(this.connection, "SELECT honker_stream_read_since('t', 0, 2)")).contains("\"offset\":2")
			.doesNotContain("\"offset\":3");
		assertThat(queryString(this.connection, "SELECT honker_stream_read_since('t', 0, 0)")).isEqualTo("[]");
		assertThat(queryString(this.connection, "SELECT honker_stream_read_since('t', 0, -1)"))
			.contains("\"offset\":5");
	}

	@Test
	void aConsumersOffsetOnlyMovesForward() throws Exception {
		assertThat(queryLong(this.connection, "SELECT honker_stream_get_offset('c', 't')")).isZero();
		assertThat(queryLong(this.connection, "SELECT honker_stream_save_offset('c', 't', 5)")).isEqualTo(1);
		assertThat(queryLong(this.connection, "SELECT honker_stream_save_offset('c', 't', 3)")).isZero();
		assertThat(queryLong(this.connection, "SELECT honker_stream_save_offset('c', 't', 5)")).isZero();
		assertThat(queryLong(this.connection, "SELECT honker_stream_save_offset('c', 't', 9)")).isEqualTo(1);
		assertThat(queryLong(this.connection, "SELECT honker_stream_save_offset('c', 'other', 2)")).isEqualTo(1);

		assertThat(queryLong(this.connection, "SELECT honker_stream_get_offset('c', 't')")).isEqualTo(9);
		assertThat(queryLong(this.connection, "SELECT honker_stream_get_offset('c', 'other')")).isEqualTo(2);
	}

	@Test
	void aSecondPublisherOfTheSameTopicWaitsForTheFirstToCommit() throws Exception {
		try (Connection other = PostgresTestDatabase.connect(this.connection.getMetaData().getURL())) {
			this.connection.setAutoCommit(false);
			long first = publish("orders", null, "{\"first\":true}");
			CompletableFuture<Long> second = CompletableFuture
				.supplyAsync(() -> uncheckedPublish(other, "orders", "{\"second\":true}"));
			assertThat(publish("unrelated", null, "{}")).as("another topic does not wait").isGreaterThan(first);
			Awaitility.await()
				.atMost(Duration.ofSeconds(30))
				.until(() -> queryLong(this.connection,
						"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") == 1);
			assertThat(second).as("the same topic waits for the commit").isNotDone();

			this.connection.commit();

			assertThat(second.get(30, TimeUnit.SECONDS)).isGreaterThan(first);
		}
		finally {
			this.connection.setAutoCommit(true);
		}
	}

	long publish(String topic, String key, String payload) throws SQLException {
		return queryLong(this.connection, "SELECT honker_stream_publish(?, ?, ?)", topic, key, payload);
	}

	static long uncheckedPublish(Connection connection, String topic, String payload) {
		try {
			return queryLong(connection, "SELECT honker_stream_publish(?, NULL, ?)", topic, payload);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
