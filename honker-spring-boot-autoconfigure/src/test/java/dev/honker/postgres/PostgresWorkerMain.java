package dev.honker.postgres;

import java.sql.Connection;
import java.util.List;

/**
 * A child JVM working a queue through Honker's functions on PostgreSQL:
 * {@code <jdbc url> drain <worker>} claims batches of 10 and acknowledges each job until
 * the queue is empty; {@code <jdbc url> claim-and-die <worker>} claims up to 10 jobs with
 * a visibility timeout of 1 s and halts without acknowledging them. Prints
 * {@code job <id>} for each job it claimed.
 */
public final class PostgresWorkerMain {

	private PostgresWorkerMain() {
	}

	public static void main(String[] args) throws Exception {
		String url = args[0];
		String mode = args[1];
		String worker = args[2];
		Connection connection = PostgresTestDatabase.connect(url);
		if (mode.equals("claim-and-die")) {
			for (long id : claim(connection, worker, 1)) {
				System.out.println("job " + id);
			}
			System.out.flush();
			Runtime.getRuntime().halt(0);
		}
		while (true) {
			List<Long> ids = claim(connection, worker, 60);
			if (ids.isEmpty()) {
				break;
			}
			for (long id : ids) {
				if (PostgresTestDatabase.queryLong(connection, "SELECT honker_ack(?, ?)", id, worker) != 1) {
					throw new IllegalStateException("lost the claim of job " + id);
				}
				System.out.println("job " + id);
			}
		}
		connection.close();
	}

	private static List<Long> claim(Connection connection, String worker, long timeout) throws Exception {
		return PostgresQueueFunctionsTests.claimedIds(PostgresTestDatabase.queryString(connection,
				"SELECT honker_claim_batch('q', ?, 10, ?)", worker, timeout));
	}

}
