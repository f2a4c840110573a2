package dev.honker.spring.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;

import dev.honker.spring.boot.autoconfigure.LogCapture;
import dev.honker.sqlite.HonkerFunctions;

/**
 * A listener whose connections cannot write (SQLite answers {@code SQLITE_READONLY}, here
 * through {@code PRAGMA query_only} on every pooled connection) while another connection
 * commits all the time: the claim loop keeps to its own backoff instead of retrying on
 * every commit, logs the failure once, and recovers when writes work again.
 */
class ReadOnlyDatabaseListenerTests extends PooledDatabaseTests {

	@Test
	void claimFailuresBackOffAndAreLoggedOnceWhileAnotherConnectionCommitsAllTheTime() throws Exception {
		try (LogCapture log = LogCapture.of(ClaimLoop.class)) {
			ListenerContexts.runner(this.pool).withBean(Recorder.class).run(context -> {
				Recorder recorder = context.getBean(Recorder.class);
				setQueryOnly(true);
				try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + this.file)) {
					HonkerFunctions.register(writer);
					HonkerTestPool.enqueue(writer, "reader", "\"before\"", 3);
				}
				AtomicLong commits = new AtomicLong();
				AtomicBoolean committing = new AtomicBoolean(true);
				Thread writer = new Thread(() -> commitUntilStopped(committing, commits));
				writer.start();
				try {
					await().atMost(Duration.ofSeconds(30))
						.until(() -> commits.get() >= 1_000 && claimFailures(log) >= 2);
				}
				finally {
					committing.set(false);
					writer.join();
				}
				assertThat(log.messages(Level.WARN)).as("one WARN for the first failure").hasSize(1);
				assertThat(log.messages(Level.WARN).get(0)).contains("listener 'reader'", "failed; trying again in 1s");
				assertThat(claimFailures(log)).as("tries during %d commits", commits.get()).isLessThan(8);

				setQueryOnly(false);
				HonkerTestPool.enqueue(this.pool, "reader", "\"after\"", 3);
				await().atMost(Duration.ofMinutes(1))
					.until(() -> recorder.payloads.containsAll(List.of("before", "after")));
				assertThat(log.messages(Level.INFO)).anySatisfy(
						message -> assertThat(message).contains("claiming from queue 'reader' works again after"));
			});
		}
	}

	private static long claimFailures(LogCapture log) {
		return log.messages(Level.WARN).size()
				+ log.messages(Level.DEBUG).stream().filter(message -> message.contains("failed again")).count();
	}

	/** Switches every connection of the pool (held all at once) to query_only or back. */
	private void setQueryOnly(boolean on) throws SQLException {
		List<Connection> all = new ArrayList<>();
		try {
			for (int i = 0; i < this.pool.getMaximumPoolSize(); i++) {
				Connection connection = this.pool.getConnection();
				all.add(connection);
				try (Statement statement = connection.createStatement()) {
					statement.execute("PRAGMA query_only = " + (on ? "ON" : "OFF"));
				}
			}
		}
		finally {
			for (Connection connection : all) {
				connection.close();
			}
		}
	}

	private void commitUntilStopped(AtomicBoolean committing, AtomicLong commits) {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + this.file);
				Statement statement = connection.createStatement()) {
			statement.execute("PRAGMA busy_timeout = 10000");
			statement.execute("CREATE TABLE IF NOT EXISTS ticks (n INTEGER)");
			while (committing.get()) {
				statement.execute("INSERT INTO ticks VALUES (1)");
				commits.incrementAndGet();
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static class Recorder {

		final List<String> payloads = new CopyOnWriteArrayList<>();

		@HonkerListener(queue = "reader", id = "reader")
		void handle(String payload) {
			this.payloads.add(payload);
		}

	}

}
