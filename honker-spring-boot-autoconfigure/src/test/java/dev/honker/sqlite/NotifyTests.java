package dev.honker.sqlite;

import static dev.honker.sqlite.TestDatabase.execute;
import static dev.honker.sqlite.TestDatabase.queryLong;
import static dev.honker.sqlite.TestDatabase.queryRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code notify(channel, payload)} (docs/compatibility.md, Notifications): an INSERT into
 * the notification log in the caller's transaction.
 */
class NotifyTests {

	@TempDir
	Path directory;

	Connection connection;

	@BeforeEach
	void open() throws SQLException {
		connection = TestDatabase.open(directory.resolve("notify.db"));
	}

	@AfterEach
	void close() throws SQLException {
		connection.close();
	}

	@Test
	void insertsTheNotificationAndReturnsItsId() throws Exception {
		long[] result = OneSecond.run(connection,
				now -> new long[] { now, queryLong(connection, "SELECT notify('orders', '{\"id\": 7}')") });

		assertThat(result[1]).isEqualTo(1);
		assertThat(queryRows(connection, "SELECT id, channel, payload, created_at FROM _honker_notifications"))
			.containsExactly(List.of(1, "orders", "{\"id\": 7}", (int) result[0]));
		assertThat(queryLong(connection, "SELECT notify('orders', '2')")).isEqualTo(2);
	}

	@Test
	void storesThePayloadTextVerbatim() throws Exception {
		String payload = "{ \"b\" : 2,\n  \"a\": \"é\\\"\" }";
		long id = queryLong(connection, "SELECT notify('c', ?)", payload);

		assertThat(TestDatabase.queryString(connection, "SELECT payload FROM _honker_notifications WHERE id = ?", id))
			.isEqualTo(payload);
	}

	@Test
	void rolledBackNotificationLeavesNothing() throws Exception {
		connection.setAutoCommit(false);
		queryLong(connection, "SELECT notify('c', '1')");
		connection.rollback();
		queryLong(connection, "SELECT notify('c', '2')");
		connection.commit();
		connection.setAutoCommit(true);

		assertThat(queryRows(connection, "SELECT payload FROM _honker_notifications")).containsExactly(List.of("2"));
	}

	@Test
	void neverPrunes() throws Exception {
		connection.setAutoCommit(false);
		for (int i = 0; i < 100; i++) {
			queryLong(connection, "SELECT notify('c', ?)", Integer.toString(i));
		}
		connection.commit();
		connection.setAutoCommit(true);

		assertThat(queryLong(connection, "SELECT count(*) FROM _honker_notifications")).isEqualTo(100);
	}

	@Test
	void idsAreNeverReusedAfterDeletes() throws Exception {
		queryLong(connection, "SELECT notify('c', '1')");
		queryLong(connection, "SELECT notify('c', '2')");
		execute(connection, "DELETE FROM _honker_notifications");

		assertThat(queryLong(connection, "SELECT notify('c', '3')")).isEqualTo(3);
	}

	@Test
	void nullOrNonTextArgumentsAreTypeErrors() throws Exception {
		assertThatThrownBy(() -> queryLong(connection, "SELECT notify('c', NULL)")).isInstanceOf(SQLException.class)
			.hasMessageContaining("notify: Invalid function parameter type Null at index 1 (payload must be Text)");
		assertThatThrownBy(() -> queryLong(connection, "SELECT notify(42, '{}')")).isInstanceOf(SQLException.class)
			.hasMessageContaining("notify: Invalid function parameter type Integer at index 0 (channel must be Text)");
		assertThat(queryLong(connection, "SELECT count(*) FROM _honker_notifications")).isZero();
	}

}
