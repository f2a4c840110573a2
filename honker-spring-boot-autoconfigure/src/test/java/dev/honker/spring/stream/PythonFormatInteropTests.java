package dev.honker.spring.stream;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.core.Notification;
import dev.honker.spring.listener.PooledDatabaseTests;
import dev.honker.spring.listener.ListenerContexts;
import dev.honker.spring.notification.HonkerNotificationListener;
import dev.honker.sqlite.HonkerFunctions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Interop with the Python binding on one file. PyPI is not reachable from the build
 * machine, so the Python side is played by a plain sqlite-jdbc connection that reads and
 * writes exactly what the spec says the Python binding does: {@code Stream.publish} runs
 * {@code honker_stream_publish(topic, key, json.dumps(payload))} in
 * {@code BEGIN IMMEDIATE}, {@code Stream.subscribe} reads
 * {@code honker_stream_read_since(topic, offset, 1000)}, parses each payload, and saves
 * offsets with {@code honker_stream_save_offset}; {@code tx.notify} runs
 * {@code notify(channel, json.dumps(payload))}; {@code Listener} reads
 * {@code SELECT id, channel, payload, created_at FROM _honker_notifications WHERE
 * channel = ? AND id > ? ORDER BY id}. {@code json.dumps} writes {@code ": "} and
 * {@code ", "} separators.
 */
class PythonFormatInteropTests extends PooledDatabaseTests {

	record Order(long id, String note) {
	}

	static class SpringSide {

		final List<Order> orders = new CopyOnWriteArrayList<>();

		final List<String> greetings = new CopyOnWriteArrayList<>();

		@HonkerStreamListener(topic = "orders", consumer = "shared-consumer")
		void onOrder(Order order) {
			this.orders.add(order);
		}

		@HonkerNotificationListener(channel = "greetings")
		void onGreeting(String greeting) {
			this.greetings.add(greeting);
		}

	}

	@Test
	void pythonPublishesAndNotifiesSpringConsumesAndListens() {
		ListenerContexts.runner(this.pool).withBean(SpringSide.class).run(context -> {
			SpringSide spring = context.getBean(SpringSide.class);
			try (Connection python = python()) {
				inTransaction(python, () -> {
					pythonPublish(python, "orders", "o-1", "{\"id\": 1, \"note\": \"caf\\u00e9\"}");
					pythonPublish(python, "orders", null, "{\"id\": 2, \"note\": null}");
					call(python, "SELECT notify('greetings', ?)", "\"hello\"");
				});
			}
			await().atMost(Duration.ofSeconds(10))
				.until(() -> spring.orders.size() == 2 && spring.greetings.size() == 1);
			assertThat(spring.orders).containsExactly(new Order(1, "café"), new Order(2, null));
			assertThat(spring.greetings).containsExactly("hello");
		});
	}

	@Test
	void springPublishesAndNotifiesPythonSubscribesAndListens() throws Exception {
		HonkerTemplate honker = new HonkerTemplate(this.pool, JsonMapper.shared());
		long listenerStart;
		try (Connection python = python()) {
			listenerStart = queryLong(python,
					"SELECT COALESCE(MAX(id), 0) FROM _honker_notifications WHERE channel = 'greetings'");
		}
		long first = honker.publish("orders", "o-1", new Order(1, "café"));
		honker.publish("orders", null, "plain text");
		honker.notify("greetings", Map.of("text", "hi"));
		honker.saveOffset("shared-consumer", "orders", first);
		try (Connection python = python()) {
			List<JsonNode> subscribed = pythonSubscribe(python, "shared-consumer", "orders");
			assertThat(subscribed).hasSize(1).first().satisfies(event -> {
				assertThat(event.get("topic").asString()).isEqualTo("orders");
				assertThat(event.get("key").isNull()).isTrue();
				assertThat(JsonMapper.shared().readTree(event.get("payload").asString()).asString())
					.isEqualTo("plain text");
			});
			List<JsonNode> fromStart = readSince(python, "orders", 0);
			assertThat(JsonMapper.shared().readValue(fromStart.get(0).get("payload").asString(), Map.class))
				.isEqualTo(Map.of("id", 1, "note", "café"));
			assertThat(fromStart.get(0).get("key").asString()).isEqualTo("o-1");
			List<String> fields = new ArrayList<>(fromStart.get(0).propertyNames());
			assertThat(fields).as("keys sorted, as serde_json writes them")
				.containsExactly("created_at", "key", "offset", "payload", "topic");
			try (PreparedStatement listen = python.prepareStatement(
					"SELECT id, channel, payload, created_at FROM _honker_notifications WHERE channel = ? AND id > ? ORDER BY id")) {
				listen.setString(1, "greetings");
				listen.setLong(2, listenerStart);
				try (ResultSet rows = listen.executeQuery()) {
					assertThat(rows.next()).isTrue();
					assertThat(JsonMapper.shared().readValue(rows.getString("payload"), Map.class))
						.isEqualTo(Map.of("text", "hi"));
					assertThat(rows.getObject("created_at")).isInstanceOf(Integer.class);
					assertThat(rows.next()).isFalse();
				}
			}
			assertThat(queryLong(python, "SELECT honker_stream_get_offset('shared-consumer', 'orders')"))
				.as("the offset Python saved is the one Spring resumes from")
				.isEqualTo(honker.offset("shared-consumer", "orders"))
				.isGreaterThan(first);
		}
	}

	private Connection python() throws SQLException {
		Connection connection = DriverManager.getConnection("jdbc:sqlite:" + this.file);
		try (Statement statement = connection.createStatement()) {
			statement.execute("PRAGMA busy_timeout=5000");
		}
		HonkerFunctions.register(connection);
		return connection;
	}

	/**
	 * Python's {@code Stream.subscribe(consumer)}: reads after the saved offset, saves.
	 */
	private static List<JsonNode> pythonSubscribe(Connection python, String consumer, String topic)
			throws SQLException {
		long offset = queryLong(python, "SELECT honker_stream_get_offset('" + consumer + "', '" + topic + "')");
		List<JsonNode> events = readSince(python, topic, offset);
		if (!events.isEmpty()) {
			long last = events.get(events.size() - 1).get("offset").asLong();
			inTransaction(python, () -> call(python,
					"SELECT honker_stream_save_offset('" + consumer + "', '" + topic + "', " + last + ")", null));
		}
		return events;
	}

	private static List<JsonNode> readSince(Connection python, String topic, long offset) throws SQLException {
		try (PreparedStatement read = python.prepareStatement("SELECT honker_stream_read_since(?, ?, 1000)")) {
			read.setString(1, topic);
			read.setLong(2, offset);
			try (ResultSet row = read.executeQuery()) {
				row.next();
				List<JsonNode> events = new ArrayList<>();
				JsonMapper.shared().readTree(row.getString(1)).forEach(events::add);
				return events;
			}
		}
	}

	private static void pythonPublish(Connection python, String topic, String key, String json) throws SQLException {
		try (PreparedStatement publish = python.prepareStatement("SELECT honker_stream_publish(?, ?, ?)")) {
			publish.setString(1, topic);
			publish.setString(2, key);
			publish.setString(3, json);
			publish.executeQuery().close();
		}
	}

	private static void call(Connection connection, String sql, String argument) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			if (argument != null) {
				statement.setString(1, argument);
			}
			statement.executeQuery().close();
		}
	}

	private static long queryLong(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
			row.next();
			return row.getLong(1);
		}
	}

	private static void inTransaction(Connection connection, SqlWork work) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("BEGIN IMMEDIATE");
			work.run();
			statement.execute("COMMIT");
		}
	}

	@FunctionalInterface
	interface SqlWork {

		void run() throws SQLException;

	}

}
