package dev.honker.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.listener.HonkerTestPool;
import dev.honker.spring.listener.RetryBackoff;
import dev.honker.spring.stream.SkippedEvents;
import dev.honker.spring.stream.StreamConsumerSettings;
import dev.honker.spring.stream.StreamFailureAction;
import dev.honker.spring.stream.StreamListenerContainer;
import dev.honker.spring.stream.StreamOffsetMode;
import dev.honker.spring.stream.StreamStartPosition;
import dev.honker.spring.watch.DatabaseWatcher;
import dev.honker.spring.watch.SqliteDatabaseWatcher;
import dev.honker.spring.watch.WatcherOptions;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stream consumption: 100,000 events of one topic (among as many of another topic),
 * consumed from the earliest offset by one {@link StreamListenerContainer} with batches
 * of 1,000 and an offset save after each batch (the lock renewed in the same
 * transaction), against a raw read loop in the same run: the same indexed
 * {@code SELECT offset, topic, key, payload, created_at ... WHERE topic = ? AND offset > ?
 * ORDER BY offset LIMIT 1000} on one pooled connection, reading every column, with no
 * JSON, no offset saves and no lock. Each round consumes the whole topic under a new
 * consumer name. Prints events per second per round and the medians.
 */
public final class StreamConsumeBenchmark {

	private static final int EVENTS = 100_000;

	private static final int ROUNDS = 5;

	private StreamConsumeBenchmark() {
	}

	/** Runs the benchmark. */
	public static void main(String[] args) throws Exception {
		Path directory = Files.createTempDirectory("honker-stream-bench");
		Path file = directory.resolve("bench.db");
		try (HikariDataSource pool = HonkerTestPool.pool(file)) {
			publish(pool);
			HonkerTemplate honker = new HonkerTemplate(pool, JsonMapper.shared());
			DatabaseWatcher watcher = new SqliteDatabaseWatcher(file, WatcherOptions.DEFAULTS);
			rawLoop(pool);
			consumer(pool, honker, watcher, "warm-up");
			double[] raw = new double[ROUNDS];
			double[] consumer = new double[ROUNDS];
			for (int round = 0; round < ROUNDS; round++) {
				raw[round] = rawLoop(pool);
				consumer[round] = consumer(pool, honker, watcher, "round-" + round);
				System.out.printf("round %d: raw read loop %,.0f events/s, @HonkerStreamListener container %,.0f events/s%n",
						round + 1, raw[round], consumer[round]);
			}
			double rawMedian = BenchDatabase.median(raw);
			double consumerMedian = BenchDatabase.median(consumer);
			System.out.printf(
					"%,d events, batches of 1,000: consumer median %,.0f events/s (target >= 50,000), raw read loop "
							+ "median %,.0f events/s, consumer/raw = %.2f%n",
					EVENTS, consumerMedian, rawMedian, consumerMedian / rawMedian);
		}
	}

	private static void publish(HikariDataSource pool) throws SQLException {
		try (Connection connection = pool.getConnection();
				Statement statement = connection.createStatement();
				PreparedStatement publish = connection.prepareStatement("SELECT honker_stream_publish(?, ?, ?)")) {
			statement.execute("BEGIN IMMEDIATE");
			for (int i = 0; i < EVENTS; i++) {
				for (String topic : new String[] { "orders", "other" }) {
					publish.setString(1, topic);
					publish.setString(2, "order-" + i);
					publish.setString(3, "{\"orderId\":" + i + ",\"status\":\"CONFIRMED\",\"total\":12.5}");
					publish.executeQuery().close();
				}
			}
			statement.execute("COMMIT");
		}
	}

	private static double rawLoop(HikariDataSource pool) throws SQLException {
		long start = System.nanoTime();
		long offset = 0;
		long count = 0;
		long checksum = 0;
		try (Connection connection = pool.getConnection();
				PreparedStatement read = connection.prepareStatement("SELECT offset, topic, key, payload, created_at"
						+ " FROM _honker_stream WHERE topic = ? AND offset > ? ORDER BY offset LIMIT 1000")) {
			int rows;
			do {
				read.setString(1, "orders");
				read.setLong(2, offset);
				rows = 0;
				try (ResultSet result = read.executeQuery()) {
					while (result.next()) {
						offset = result.getLong(1);
						checksum += result.getString(2).length() + result.getString(3).length()
								+ result.getString(4).length() + result.getLong(5);
						rows++;
					}
				}
				count += rows;
			}
			while (rows == 1000);
		}
		if (count != EVENTS || checksum == 0) {
			throw new IllegalStateException("raw loop read " + count + " events");
		}
		return EVENTS / ((System.nanoTime() - start) / 1e9);
	}

	private static double consumer(HikariDataSource pool, HonkerTemplate honker, DatabaseWatcher watcher,
			String consumer) throws InterruptedException {
		CountDownLatch done = new CountDownLatch(EVENTS);
		StreamConsumerSettings settings = new StreamConsumerSettings(consumer, "orders", consumer,
				StreamStartPosition.earliest(), StreamOffsetMode.AFTER_BATCH, 1000, 3,
				new RetryBackoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10), 0.1), StreamFailureAction.STOP,
				Duration.ofSeconds(30), Duration.ofSeconds(15), true);
		StreamListenerContainer container = new StreamListenerContainer(settings, "the benchmark", event -> done.countDown(), honker,
				new TransactionTemplate(new DataSourceTransactionManager(pool)),
				new SkippedEvents(new JdbcTemplate(pool)), watcher);
		long start = System.nanoTime();
		container.start();
		try {
			if (!done.await(300, TimeUnit.SECONDS)) {
				throw new IllegalStateException("consumer handled only " + (EVENTS - done.getCount()) + " events");
			}
			return EVENTS / ((System.nanoTime() - start) / 1e9);
		}
		finally {
			container.stop();
		}
	}

}
