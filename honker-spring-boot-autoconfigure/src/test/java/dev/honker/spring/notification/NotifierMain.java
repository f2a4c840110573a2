package dev.honker.spring.notification;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

import dev.honker.sqlite.HonkerFunctions;

/**
 * A second process that notifies the way the Python binding does: its own sqlite-jdbc
 * connection (no Spring), each notification in its own {@code BEGIN IMMEDIATE}
 * transaction through the {@code notify()} SQL function, with the payload formatted as
 * Python's {@code json.dumps} writes it: {@code {"seq": 3, "nanos": 123}}. {@code nanos}
 * is {@code System.nanoTime()} read just before the notification is inserted and
 * committed. Arguments: database file, channel, count, pause between notifications in
 * microseconds.
 */
public final class NotifierMain {

	private NotifierMain() {
	}

	public static void main(String[] args) throws Exception {
		Path file = Path.of(args[0]);
		String channel = args[1];
		int count = Integer.parseInt(args[2]);
		long pauseMicros = Long.parseLong(args[3]);
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
				Statement statement = connection.createStatement()) {
			statement.execute("PRAGMA busy_timeout=10000");
			statement.execute("PRAGMA synchronous=NORMAL");
			HonkerFunctions.register(connection);
			System.out.println("notifier ready");
			try (PreparedStatement notify = connection.prepareStatement("SELECT notify(?, ?)")) {
				for (int seq = 0; seq < count; seq++) {
					statement.execute("BEGIN IMMEDIATE");
					notify.setString(1, channel);
					notify.setString(2, "{\"seq\": " + seq + ", \"nanos\": " + System.nanoTime() + "}");
					notify.executeQuery().close();
					statement.execute("COMMIT");
					if (pauseMicros > 0) {
						TimeUnit.MICROSECONDS.sleep(pauseMicros);
					}
				}
			}
		}
		System.out.println("notifier done");
	}

}
