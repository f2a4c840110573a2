package dev.honker.bench;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Cost of {@code SELECT honker_enqueue(...)} against inserting the job row without the
 * function, on the same connection in the same run: all inside a transaction, with reused
 * prepared statements, after a warm-up, in rotating rounds. The row is inserted two ways:
 * {@code INSERT ... RETURNING id}, which hands back the id as the function does, and a
 * plain {@code INSERT} run with {@code executeUpdate}, after which sqlite-jdbc also runs
 * {@code SELECT last_insert_rowid()} for {@code getGeneratedKeys}. Prints the medians in
 * microseconds per call and the ratios.
 */
public final class EnqueueBenchmark {

	private static final String FUNCTION = "SELECT honker_enqueue(?, ?, NULL, NULL, 0, 3, NULL)";

	private static final String PLAIN_INSERT = "INSERT INTO _honker_live (queue, payload) VALUES (?, ?)";

	private static final String RETURNING_INSERT = PLAIN_INSERT + " RETURNING id";

	private static final String PAYLOAD = "{\"order_id\":12345,\"email\":\"alice@example.com\"}";

	private static final int CALLS_PER_ROUND = 10_000;

	private static final int WARM_UP_ROUNDS = 5;

	private static final int ROUNDS = 9;

	private EnqueueBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		try (BenchDatabase database = BenchDatabase.open("enqueue");
				PreparedStatement function = database.connection.prepareStatement(FUNCTION);
				PreparedStatement returning = database.connection.prepareStatement(RETURNING_INSERT);
				PreparedStatement insert = database.connection.prepareStatement(PLAIN_INSERT)) {
			List<BenchDatabase.Call> calls = List.of(() -> readId(function), () -> readId(returning), () -> insert(insert));
			double[][] micros = database.rotatingRounds(calls, "_honker_live", CALLS_PER_ROUND, WARM_UP_ROUNDS, ROUNDS);
			double functionMedian = BenchDatabase.median(micros[0]);
			double returningMedian = BenchDatabase.median(micros[1]);
			double insertMedian = BenchDatabase.median(micros[2]);
			System.out.printf(
					"rounds of %,d calls in one transaction, %d warm-up rounds each, %d measured rounds each%n",
					CALLS_PER_ROUND, WARM_UP_ROUNDS, ROUNDS);
			System.out.printf("honker_enqueue:           median %.2f us/call, rounds %s%n", functionMedian,
					BenchDatabase.format(micros[0]));
			System.out.printf("INSERT ... RETURNING id:  median %.2f us/call, rounds %s%n", returningMedian,
					BenchDatabase.format(micros[1]));
			System.out.printf(
					"plain INSERT (+ sqlite-jdbc's last_insert_rowid query): median %.2f us/call, rounds %s%n",
					insertMedian, BenchDatabase.format(micros[2]));
			System.out.printf(
					"ratio honker_enqueue / INSERT ... RETURNING id = %.2fx (the function's own cost: %.2f us)%n",
					functionMedian / returningMedian, functionMedian - returningMedian);
			System.out.printf("ratio honker_enqueue / plain INSERT = %.2fx (target <= 1.5x)%n",
					functionMedian / insertMedian);
		}
	}



	/** Runs the function or the INSERT ... RETURNING id and reads the job id. */
	private static void readId(PreparedStatement statement) throws SQLException {
		statement.setString(1, "emails");
		statement.setString(2, PAYLOAD);
		try (ResultSet id = statement.executeQuery()) {
			id.next();
			id.getLong(1);
		}
	}

	private static void insert(PreparedStatement insert) throws SQLException {
		insert.setString(1, "emails");
		insert.setString(2, PAYLOAD);
		insert.executeUpdate();
	}


}
