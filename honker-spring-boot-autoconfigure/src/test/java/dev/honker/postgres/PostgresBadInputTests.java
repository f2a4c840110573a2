package dev.honker.postgres;

import static dev.honker.postgres.PostgresTestDatabase.execute;
import static dev.honker.postgres.PostgresTestDatabase.queryLong;
import static dev.honker.postgres.PostgresTestDatabase.queryRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.honker.sqlite.HonkerFunctions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.util.PSQLException;

/**
 * Bad input on PostgreSQL: every function refuses NULL for every argument the SQLite
 * implementation refuses it for, with the same message (the test runs each call on both
 * databases and compares), and a failing call writes nothing: after the caller rolls back
 * to its savepoint, its own earlier work is intact (docs/postgresql.md, Calling the
 * functions).
 */
class PostgresBadInputTests {

	/**
	 * Every function with a valid sample argument for each parameter; {@code null} marks
	 * a parameter that accepts NULL.
	 */
	private static final List<List<String>> CALLS = List.of(List.of("notify", "'c'", "'{}'"),
			Stream.of("honker_enqueue", "'q'", "'{}'", null, null, "0", "3", null).toList(),
			List.of("honker_claim_batch", "'q'", "'w'", "1", "60"), List.of("honker_ack", "1", "'w'"),
			List.of("honker_ack_batch", "'[1]'", "'w'"), List.of("honker_retry", "1", "'w'", "5", "'e'"),
			List.of("honker_fail", "1", "'w'", "'e'"), List.of("honker_heartbeat", "1", "'w'", "30"),
			List.of("honker_cancel", "1"), List.of("honker_get_job", "1"), List.of("honker_sweep_expired", "'q'"),
			List.of("honker_queue_next_claim_at", "'q'"), List.of("honker_lock_acquire", "'l'", "'o'", "60"),
			List.of("honker_lock_release", "'l'", "'o'"), List.of("honker_lock_renew", "'l'", "'o'", "60"),
			List.of("honker_rate_limit_try", "'r'", "5", "60"), List.of("honker_rate_limit_sweep", "60"),
			List.of("honker_result_save", "1", "'v'", "60"), List.of("honker_result_get", "1"),
			Stream.of("honker_stream_publish", "'t'", null, "'{}'").toList(),
			List.of("honker_stream_read_since", "'t'", "0", "10"),
			List.of("honker_stream_save_offset", "'c'", "'t'", "1"), List.of("honker_stream_get_offset", "'c'", "'t'"),
			List.of("honker_cron_next_after", "'@every 1s'", "0"),
			Stream.of("honker_scheduler_register", "'n'", "'q'", "'@every 1s'", "'{}'", "0", null).toList(),
			Stream.of("honker_scheduler_register", "'n'", "'q'", "'@every 1s'", "'{}'", "0", null, "3").toList(),
			List.of("honker_scheduler_unregister", "'n'"), List.of("honker_scheduler_tick", "0"),
			List.of("honker_scheduler_pause", "'n'"), List.of("honker_scheduler_resume", "'n'"),
			Stream.of("honker_scheduler_update", "'n'", null, null, null, null, "0").toList(),
			Stream.of("honker_scheduler_update", "'n'", null, null, null, null, "0", null, "0").toList());

	@TempDir
	Path directory;

	Connection sqlite;

	Connection postgres;

	@BeforeEach
	void open() throws SQLException {
		this.sqlite = DriverManager.getConnection("jdbc:sqlite:" + this.directory.resolve("bad.db"));
		HonkerFunctions.register(this.sqlite);
		queryLong(this.sqlite, "SELECT honker_bootstrap()");
		this.postgres = PostgresTestDatabase.open();
	}

	@AfterEach
	void close() throws SQLException {
		this.sqlite.close();
		this.postgres.close();
	}

	/** One call per function and required parameter, with NULL in that parameter. */
	static List<String> callsWithOneNull() {
		List<String> calls = new ArrayList<>();
		for (List<String> call : CALLS) {
			for (int i = 1; i < call.size(); i++) {
				if (call.get(i) != null) {
					List<String> arguments = new ArrayList<>(call.subList(1, call.size()));
					arguments.replaceAll((argument) -> (argument != null) ? argument : "NULL");
					arguments.set(i - 1, "NULL");
					calls.add("SELECT " + call.get(0) + "(" + String.join(", ", arguments) + ")");
				}
			}
		}
		return calls;
	}

	@ParameterizedTest
	@MethodSource("callsWithOneNull")
	void nullWhereTheSqliteFunctionRefusesItFailsWithTheSameMessage(String call) throws SQLException {
		String expected = sqliteError(call);
		assertThat(expected).as("SQLite refuses " + call).contains("Invalid function parameter type Null");

		assertThat(postgresError(call)).isEqualTo(expected);
	}

	@Test
	void everyCallWithValidArgumentsWorksOnBothDatabases() throws SQLException {
		for (List<String> call : CALLS) {
			List<String> arguments = new ArrayList<>(call.subList(1, call.size()));
			arguments.replaceAll((argument) -> (argument != null) ? argument : "NULL");
			String sql = "SELECT " + call.get(0) + "(" + String.join(", ", arguments) + ")";
			execute(this.sqlite, sql);
			execute(this.postgres, sql);
		}
	}

	@Test
	void aFailedCallWritesNothingAndTheCallersSavepointKeepsItsWork() throws SQLException {
		execute(this.postgres, "CREATE TABLE orders (id bigint PRIMARY KEY)");
		this.postgres.setAutoCommit(false);
		try {
			execute(this.postgres, "INSERT INTO orders VALUES (1)");
			queryLong(this.postgres, "SELECT honker_enqueue('q', '{}', NULL, NULL, 0, 3, NULL)");
			Savepoint savepoint = this.postgres.setSavepoint();
			assertThatThrownBy(() -> queryLong(this.postgres,
					"SELECT honker_scheduler_register('t', 'q', '* * * * 7', '{}', 0, NULL)"))
				.hasMessageContaining("cron field \"7\" out of range [0,6] or inverted");
			this.postgres.rollback(savepoint);
			this.postgres.commit();
		}
		finally {
			this.postgres.setAutoCommit(true);
		}

		assertThat(queryRows(this.postgres, "SELECT id FROM orders")).containsExactly(List.of(1L));
		assertThat(queryLong(this.postgres, "SELECT count(*) FROM _honker_live")).isEqualTo(1);
		assertThat(queryLong(this.postgres, "SELECT count(*) FROM _honker_scheduler_tasks")).isZero();
	}

	private String sqliteError(String call) {
		try {
			execute(this.sqlite, call);
			return "no error";
		}
		catch (SQLException ex) {
			String message = ex.getMessage();
			int start = message.indexOf('(');
			return message.substring(start + 1, message.length() - 1);
		}
	}

	private String postgresError(String call) throws SQLException {
		try {
			execute(this.postgres, call);
			return "no error";
		}
		catch (PSQLException ex) {
			return ex.getServerErrorMessage().getMessage();
		}
	}

}
