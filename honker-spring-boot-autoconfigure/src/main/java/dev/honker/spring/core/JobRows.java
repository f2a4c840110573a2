package dev.honker.spring.core;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;

import org.springframework.jdbc.core.PreparedStatementSetter;
import org.springframework.jdbc.core.ResultSetExtractor;

/**
 * The statements that insert {@link HonkerTemplate}'s jobs: the
 * {@code INSERT ... RETURNING id} that {@code honker_enqueue} runs (Honker 0.4,
 * "Enqueue"), for one row or for many rows that share the queue and the options.
 * <ul>
 * <li>The same columns: queue, payload, {@code run_at} ({@code now + delay} when a delay
 * is given, else the given time, else {@code now}), priority, max_attempts and
 * {@code expires_at} ({@code now + expires}, or {@code NULL}); the schema's defaults for
 * the rest (state {@code pending}, no attempts, {@code created_at}).</li>
 * <li>The same {@code now}: {@code unixepoch()}, which SQLite fixes for the whole
 * statement, so every row of a batch gets the same one.</li>
 * <li>The same validation: the function only checks argument types, which the template's
 * Java types fix, and {@link JobOptions} checks the values before they reach SQL.</li>
 * </ul>
 * A batch is cut into statements of a power of two rows, at most
 * {@value #MAX_ROWS_PER_STATEMENT}, so that a connection caches at most eight of them.
 * Ids come back in insertion order whatever order {@code RETURNING} uses, because the
 * rows of one statement are inserted in {@code VALUES} order and {@code AUTOINCREMENT}
 * ids only grow.
 */
final class JobRows {

	/** The function whose work these statements do; errors name it. */
	static final String FUNCTION = "honker_enqueue";

	/**
	 * The function itself, for databases where it does more than the insert: on
	 * PostgreSQL it also signals the listeners with {@code pg_notify}.
	 */
	static final String FUNCTION_SQL = "SELECT honker_enqueue(?, ?, ?, ?, ?, ?, ?)";

	static final int MAX_ROWS_PER_STATEMENT = 128;

	private static final String[] SQL_BY_POWER_OF_TWO = new String[Integer.numberOfTrailingZeros(MAX_ROWS_PER_STATEMENT)
			+ 1];

	/**
	 * Parameters shared by the rows: queue, run_at, delay, priority, max_attempts,
	 * expires.
	 */
	private static final int SHARED_PARAMETERS = 6;

	static {
		for (int power = 0; power < SQL_BY_POWER_OF_TWO.length; power++) {
			SQL_BY_POWER_OF_TWO[power] = insert(1 << power);
		}
	}

	private JobRows() {
	}

	/** How many of the {@code remaining} rows the next statement inserts. */
	static int rowsPerStatement(int remaining) {
		return Math.min(Integer.highestOneBit(remaining), MAX_ROWS_PER_STATEMENT);
	}

	/** The statement for {@code rows} rows, a value of {@link #rowsPerStatement}. */
	static String sql(int rows) {
		return SQL_BY_POWER_OF_TWO[Integer.numberOfTrailingZeros(rows)];
	}

	/** Binds the shared values and the payloads {@code from .. from + rows - 1}. */
	static PreparedStatementSetter arguments(String queue, String[] payloads, int from, int rows, JobOptions options) {
		Long delay = (options.getDelay() != null) ? options.getDelay().getSeconds() : null;
		Long expires = (options.getExpires() != null) ? options.getExpires().getSeconds() : null;
		Long runAt = options.runAtSeconds();
		return statement -> {
			statement.setString(1, queue);
			setLongOrNull(statement, 2, runAt);
			setLongOrNull(statement, 3, delay);
			statement.setLong(4, options.getPriority());
			statement.setLong(5, options.getMaxAttempts());
			setLongOrNull(statement, 6, expires);
			for (int row = 0; row < rows; row++) {
				statement.setString(SHARED_PARAMETERS + 1 + row, payloads[from + row]);
			}
		};
	}

	/** Binds the arguments of {@link #FUNCTION_SQL} for one job. */
	static PreparedStatementSetter functionArguments(String queue, String payload, JobOptions options) {
		Long delay = (options.getDelay() != null) ? options.getDelay().getSeconds() : null;
		Long expires = (options.getExpires() != null) ? options.getExpires().getSeconds() : null;
		Long runAt = options.runAtSeconds();
		return statement -> {
			statement.setString(1, queue);
			statement.setString(2, payload);
			setLongOrNull(statement, 3, runAt);
			setLongOrNull(statement, 4, delay);
			statement.setLong(5, options.getPriority());
			statement.setLong(6, options.getMaxAttempts());
			setLongOrNull(statement, 7, expires);
		};
	}

	/** Reads the {@code rows} new ids into {@code ids}, from index {@code from}. */
	static ResultSetExtractor<Void> ids(long[] ids, int from, int rows) {
		return result -> {
			int count = 0;
			while (result.next()) {
				if (count == rows) {
					throw new IllegalStateException(FUNCTION + " returned more than " + rows + " ids");
				}
				ids[from + count++] = result.getLong(1);
			}
			if (count != rows) {
				throw new IllegalStateException(FUNCTION + " returned " + count + " ids for " + rows + " jobs");
			}
			Arrays.sort(ids, from, from + rows);
			return null;
		};
	}

	private static String insert(int rows) {
		StringBuilder sql = new StringBuilder(
				"INSERT INTO _honker_live (queue, payload, run_at, priority, max_attempts, expires_at) VALUES ");
		for (int row = 0; row < rows; row++) {
			sql.append(row == 0 ? "" : ", ")
				.append("(?1, ?")
				.append(SHARED_PARAMETERS + 1 + row)
				.append(", CASE WHEN ?3 IS NOT NULL THEN unixepoch() + ?3 ELSE coalesce(?2, unixepoch()) END, ?4, ?5,")
				.append(" CASE WHEN ?6 IS NULL THEN NULL ELSE unixepoch() + ?6 END)");
		}
		return sql.append(" RETURNING id").toString();
	}

	private static void setLongOrNull(PreparedStatement statement, int index, Long value) throws SQLException {
		if (value == null) {
			statement.setNull(index, Types.INTEGER);
		}
		else {
			statement.setLong(index, value);
		}
	}

}
