package dev.honker.spring.listener;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import dev.honker.sqlite.HonkerFunctions;

/**
 * A second process that enqueues jobs on a plain sqlite-jdbc connection, then exits.
 * Arguments: database file, queue, payload, count.
 */
public final class EnqueueMain {

	private EnqueueMain() {
	}

	/** Enqueues, prints the last job id, exits. */
	public static void main(String[] args) throws Exception {
		Path file = Path.of(args[0]);
		int count = Integer.parseInt(args[3]);
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
			try (Statement statement = connection.createStatement()) {
				statement.execute("PRAGMA busy_timeout=10000");
			}
			HonkerFunctions.register(connection);
			long id = 0;
			for (int i = 0; i < count; i++) {
				id = HonkerTestPool.enqueue(connection, args[1], args[2], 3);
			}
			System.out.println("enqueued " + id);
		}
	}

}
