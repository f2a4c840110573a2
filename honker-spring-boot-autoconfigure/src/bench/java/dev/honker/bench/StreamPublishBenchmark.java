package dev.honker.bench;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import dev.honker.spring.core.HonkerTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cost of publishing to a stream inside a transaction against a plain
 * {@code INSERT INTO _honker_stream}, on the same connection in the same run, with reused
 * prepared statements, after a warm-up, in rotating rounds: {@code HonkerTemplate.publish}
 * (Jackson writes the payload record, then the function's own
 * {@code INSERT ... RETURNING offset} returns the offset), the bare {@code honker_stream_publish} function with the JSON
 * already written, and the plain {@code INSERT} with the JSON already written. Prints the
 * medians in microseconds per call and the ratios.
 */
public final class StreamPublishBenchmark {

	private static final String FUNCTION = "SELECT honker_stream_publish(?, ?, ?)";

	private static final String PLAIN_INSERT = "INSERT INTO _honker_stream (topic, key, payload) VALUES (?, ?, ?)";

	private static final String PAYLOAD = "{\"orderId\":12345,\"status\":\"CONFIRMED\"}";

	private static final int CALLS_PER_ROUND = 10_000;

	private static final int WARM_UP_ROUNDS = 5;

	private static final int ROUNDS = 9;

	private StreamPublishBenchmark() {
	}

	record StatusChanged(long orderId, String status) {
	}

	public static void main(String[] args) throws Exception {
		try (BenchDatabase database = BenchDatabase.open("publish");
				PreparedStatement function = database.connection.prepareStatement(FUNCTION);
				PreparedStatement insert = database.connection.prepareStatement(PLAIN_INSERT)) {
			HonkerTemplate honker = new HonkerTemplate(new SingleConnectionDataSource(database.connection, true),
					JsonMapper.shared());
			StatusChanged payload = new StatusChanged(12345, "CONFIRMED");
			List<BenchDatabase.Call> calls = List.of(() -> honker.publish("orders", "order-12345", payload),
					() -> readOffset(function), () -> insert(insert));
			double[][] micros = database.rotatingRounds(calls, "_honker_stream", CALLS_PER_ROUND, WARM_UP_ROUNDS, ROUNDS);
			double template = BenchDatabase.median(micros[0]);
			double bare = BenchDatabase.median(micros[1]);
			double plain = BenchDatabase.median(micros[2]);
			System.out.printf(
					"rounds of %,d calls in one transaction, %d warm-up rounds each, %d measured rounds each%n",
					CALLS_PER_ROUND, WARM_UP_ROUNDS, ROUNDS);
			System.out.printf("HonkerTemplate.publish (Jackson + INSERT):   median %.2f us/call, rounds %s%n",
					template, BenchDatabase.format(micros[0]));
			System.out.printf("honker_stream_publish:                      median %.2f us/call, rounds %s%n", bare,
					BenchDatabase.format(micros[1]));
			System.out.printf("plain INSERT INTO _honker_stream:           median %.2f us/call, rounds %s%n", plain,
					BenchDatabase.format(micros[2]));
			System.out.printf("ratio HonkerTemplate.publish / plain INSERT = %.2fx (target <= 1.3x)%n",
					template / plain);
			System.out.printf("ratio honker_stream_publish / plain INSERT = %.2fx%n", bare / plain);
		}
	}



	private static void readOffset(PreparedStatement statement) throws SQLException {
		statement.setString(1, "orders");
		statement.setString(2, "order-12345");
		statement.setString(3, PAYLOAD);
		try (ResultSet offset = statement.executeQuery()) {
			offset.next();
			offset.getLong(1);
		}
	}

	private static void insert(PreparedStatement insert) throws SQLException {
		insert.setString(1, "orders");
		insert.setString(2, "order-12345");
		insert.setString(3, PAYLOAD);
		insert.executeUpdate();
	}


}
