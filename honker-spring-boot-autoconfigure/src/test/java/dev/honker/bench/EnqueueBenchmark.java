package dev.honker.bench;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * Cost of {@code SELECT honker_enqueue(...)} against the plain {@code INSERT} it wraps, on the same
 * connection in the same run: both inside a transaction, with reused prepared statements, after a
 * warm-up, in alternating rounds. Prints the medians in microseconds per call and their ratio.
 */
public final class EnqueueBenchmark {

    private static final String FUNCTION = "SELECT honker_enqueue(?, ?, NULL, NULL, 0, 3, NULL)";
    private static final String PLAIN_INSERT = "INSERT INTO _honker_live (queue, payload) VALUES (?, ?)";
    private static final String PAYLOAD = "{\"order_id\":12345,\"email\":\"alice@example.com\"}";

    private static final int CALLS_PER_ROUND = 10_000;
    private static final int WARM_UP_ROUNDS = 5;
    private static final int ROUNDS = 9;

    private EnqueueBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        try (BenchDatabase database = BenchDatabase.open("enqueue");
                PreparedStatement function = database.connection.prepareStatement(FUNCTION);
                PreparedStatement insert = database.connection.prepareStatement(PLAIN_INSERT)) {
            for (int i = 0; i < WARM_UP_ROUNDS; i++) {
                round(database, () -> callFunction(function));
                round(database, () -> insert(insert));
            }
            double[] functionMicros = new double[ROUNDS];
            double[] insertMicros = new double[ROUNDS];
            for (int i = 0; i < ROUNDS; i++) {
                if (i % 2 == 0) {
                    functionMicros[i] = round(database, () -> callFunction(function));
                    insertMicros[i] = round(database, () -> insert(insert));
                } else {
                    insertMicros[i] = round(database, () -> insert(insert));
                    functionMicros[i] = round(database, () -> callFunction(function));
                }
            }
            double functionMedian = BenchDatabase.median(functionMicros);
            double insertMedian = BenchDatabase.median(insertMicros);
            System.out.printf("rounds of %,d calls in one transaction, %d warm-up rounds each, %d measured rounds each%n",
                    CALLS_PER_ROUND, WARM_UP_ROUNDS, ROUNDS);
            System.out.printf("honker_enqueue: median %.2f us/call, rounds %s%n", functionMedian, format(functionMicros));
            System.out.printf("plain INSERT:   median %.2f us/call, rounds %s%n", insertMedian, format(insertMicros));
            System.out.printf("ratio honker_enqueue / plain INSERT = %.2fx (target <= 1.5x)%n", functionMedian / insertMedian);
        }
    }

    /** One call of the enqueue being measured. */
    @FunctionalInterface
    private interface Call {
        void run() throws SQLException;
    }

    /** Runs one timed round in a transaction on an empty queue table; returns microseconds per call. */
    private static double round(BenchDatabase database, Call call) throws SQLException {
        database.execute("DELETE FROM _honker_live");
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

    private static void callFunction(PreparedStatement function) throws SQLException {
        function.setString(1, "emails");
        function.setString(2, PAYLOAD);
        try (ResultSet id = function.executeQuery()) {
            id.next();
            id.getLong(1);
        }
    }

    private static void insert(PreparedStatement insert) throws SQLException {
        insert.setString(1, "emails");
        insert.setString(2, PAYLOAD);
        insert.executeUpdate();
    }

    private static String format(double[] values) {
        return Arrays.stream(values).mapToObj(v -> String.format("%.2f", v)).toList().toString();
    }
}
