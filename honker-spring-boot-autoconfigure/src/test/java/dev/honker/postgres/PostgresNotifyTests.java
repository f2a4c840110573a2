package dev.honker.postgres;

import static dev.honker.postgres.PostgresTestDatabase.execute;
import static dev.honker.postgres.PostgresTestDatabase.queryLong;
import static dev.honker.postgres.PostgresTestDatabase.queryRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * {@code notify} and the wake signal on PostgreSQL (docs/postgresql.md, Wakes): rows in
 * {@code _honker_notifications}, and a {@code pg_notify} on the channel {@code honker}
 * that a listening connection receives at commit and never for a rollback.
 */
class PostgresNotifyTests {

	Connection connection;

	Connection listener;

	@BeforeEach
	void open() throws SQLException {
		String url = PostgresTestDatabase.bootstrappedDatabase();
		this.connection = PostgresTestDatabase.connect(url);
		this.listener = PostgresTestDatabase.connect(url);
		execute(this.listener, "LISTEN honker");
	}

	@AfterEach
	void close() throws SQLException {
		this.connection.close();
		this.listener.close();
	}

	@Test
	void notifyInsertsARowAndReturnsItsId() throws Exception {
		assertThat(queryLong(this.connection, "SELECT notify('orders', '{\"id\":1}')")).isEqualTo(1);
		assertThat(queryLong(this.connection, "SELECT notify('orders', '\"two\"')")).isEqualTo(2);

		assertThat(queryRows(this.connection, "SELECT id, channel, payload FROM _honker_notifications ORDER BY id"))
			.containsExactly(Arrays.asList(1L, "orders", "{\"id\":1}"), Arrays.asList(2L, "orders", "\"two\""));
		assertThat(queryLong(this.connection,
				"SELECT count(*) FROM _honker_notifications WHERE created_at BETWEEN honker._unixepoch() - 5 AND honker._unixepoch()"))
			.isEqualTo(2);
	}

	@Test
	void aNullPayloadIsRefused() {
		assertThatThrownBy(() -> queryLong(this.connection, "SELECT notify('orders', NULL)"))
			.hasMessageContaining("notify: Invalid function parameter type Null at index 1 (payload must be Text)");
	}

	@Test
	void theWakeIsDeliveredAtCommitAndNamesWhatChanged() throws Exception {
		this.connection.setAutoCommit(false);
		queryLong(this.connection, "SELECT notify('orders', '{}')");
		queryLong(this.connection, "SELECT honker_enqueue('emails', '{}', NULL, NULL, 0, 3, NULL)");
		queryLong(this.connection, "SELECT honker_enqueue('emails', '{}', NULL, NULL, 0, 3, NULL)");
		queryLong(this.connection, "SELECT honker_stream_publish('audit', NULL, '{}')");

		assertThat(received(200)).as("nothing before the commit").isEmpty();

		this.connection.commit();

		assertThat(received(10_000)).containsExactly("notify:orders", "queue:emails", "stream:audit");
	}

	@Test
	void aRolledBackTransactionWakesNobody() throws Exception {
		this.connection.setAutoCommit(false);
		queryLong(this.connection, "SELECT notify('orders', '{}')");
		queryLong(this.connection, "SELECT honker_enqueue('emails', '{}', NULL, NULL, 0, 3, NULL)");
		this.connection.rollback();
		this.connection.setAutoCommit(true);
		queryLong(this.connection, "SELECT notify('after', '{}')");

		assertThat(received(10_000)).containsExactly("notify:after");
		assertThat(queryLong(this.connection, "SELECT count(*) FROM _honker_live")).isZero();
	}

	@Test
	void aNameTooLongForAWakeIsSentAsItsKind() throws Exception {
		String queue = "q".repeat(7001);
		queryLong(this.connection, "SELECT honker_enqueue(?, '{}', NULL, NULL, 0, 3, NULL)", queue);

		assertThat(received(10_000)).containsExactly("queue");
	}

	/**
	 * The wakes that arrive within {@code firstWaitMillis}, then any that follow within
	 * 200 ms of the last.
	 */
	private List<String> received(int firstWaitMillis) throws SQLException {
		PGConnection pg = this.listener.unwrap(PGConnection.class);
		List<String> payloads = new ArrayList<>();
		int wait = firstWaitMillis;
		while (true) {
			PGNotification[] notifications = pg.getNotifications(wait);
			if (notifications == null || notifications.length == 0) {
				return payloads;
			}
			for (PGNotification notification : notifications) {
				assertThat(notification.getName()).isEqualTo("honker");
				payloads.add(notification.getParameter());
			}
			wait = 200;
		}
	}

}
