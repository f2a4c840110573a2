package dev.honker.bench;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import dev.honker.spring.core.HonkerTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cost of publishing to a stream inside a transaction against a plain
 * {@code INSERT INTO _honker_stream}, on the same connection in the same run, with reused
 * prepared statements, after a warm-up, in rotating rounds: {@code HonkerTemplate.publish}
 * (Jackson writes the payload record, then {@code SELECT honker_stream_publish(...)}
 * returns the offset), the bare {@code honker_stream_publish} function with the JSON
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
			List<Call> calls = List.of(() -> honker.publish("orders", "order-12345", payload),
					() -> readOffset(function), () -> insert(insert));
			for (int i = 0; i < WARM_UP_ROUNDS; i++) {
				for (Call call : calls) {
					round(database, call);
				}
			}
			double[][] micros = new double[calls.size()][ROUNDS];
			for (int i = 0; i < ROUNDS; i++) {
				for (int c = 0; c < calls.size(); c++) {
					int call = (i + c) % calls.size();
					micros[call][i] = round(database, calls.get(call));
				}
			}
			double template = BenchDatabase.median(micros[0]);
			double bare = BenchDatabase.median(micros[1]);
			double plain = BenchDatabase.median(micros[2]);
			System.out.printf(
					"rounds of %,d calls in one transaction, %d warm-up rounds each, %d measured rounds each%n",
					CALLS_PER_ROUND, WARM_UP_ROUNDS, ROUNDS);
			System.out.printf("HonkerTemplate.publish (Jackson + function): median %.2f us/call, rounds %s%n",
					template, format(micros[0]));
			System.out.printf("honker_stream_publish:                      median %.2f us/call, rounds %s%n", bare,
					format(micros[1]));
			System.out.printf("plain INSERT INTO _honker_stream:           median %.2f us/call, rounds %s%n", plain,
					format(micros[2]));
			System.out.printf("ratio HonkerTemplate.publish / plain INSERT = %.2fx (target <= 1.3x)%n",
					template / plain);
			System.out.printf("ratio honker_stream_publish / plain INSERT = %.2fx%n", bare / plain);
		}
	}

	/** One call of the publish being measured. */
	@FunctionalInterface
	private interface Call {

		void run() throws SQLException;

	}

	private static double round(BenchDatabase database, Call call) throws SQLException {
		database.execute("DELETE FROM _honker_stream");
		database.execute("PRAGMA wal_checkpoint(TRUNCATE)");
		database.execute("BEGIN");
		long start = System.nanoTime();
		for (int i = 0; i < CALLS_PER_ROUND; i++) {
			call.run();
		}
		long elapsed = System.nanoTime() - start;
		database.execute("COMMIT");
		return elapsed / 1_000.0 / CALLS_PER_ROUND;
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

	private static String format(double[] values) {
		return Arrays.stream(values).mapToObj(v -> String.format("%.2f", v)).toList().toString();
	}

}
