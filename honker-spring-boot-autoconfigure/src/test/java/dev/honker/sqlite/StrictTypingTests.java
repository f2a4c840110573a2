package dev.honker.sqlite;

import static dev.honker.sqlite.SqlAssertions.assertError;
import static dev.honker.sqlite.TestDatabase.execute;
import static dev.honker.sqlite.TestDatabase.queryLong;
import static dev.honker.sqlite.TestDatabase.queryString;
import static dev.honker.sqlite.TestDatabase.rowsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every argument of every Honker function is typed as strictly as Honker 0.4 types it
 * (docs/compatibility.md, Conventions): TEXT takes only TEXT, INTEGER only INTEGER, and
 * only the "or NULL" parameters take NULL. Each wrong kind (NULL, REAL 1.0, INTEGER for
 * TEXT, TEXT for INTEGER, BLOB) is an error naming the function, the argument and the
 * kind it got, and changes no Honker table. Every argument count a function does not have
 * is refused the way SQLite refuses it.
 */
class StrictTypingTests {

	private enum Kind {

		TEXT("'q'", "Text", Map.of("NULL", "Null", "1.0", "Real", "1", "Integer", "X'71'", "Blob")),
		TEXT_OR_NULL("NULL", "Text", Map.of("1.0", "Real", "1", "Integer", "X'71'", "Blob")),
		INTEGER("1", "Integer", Map.of("NULL", "Null", "1.0", "Real", "'1'", "Text", "X'01'", "Blob")),
		INTEGER_OR_NULL("NULL", "Integer", Map.of("1.0", "Real", "'1'", "Text", "X'01'", "Blob"));

		final String validValue;

		final String typeName;

		/** Wrong values for this kind, each with the type name the error reports. */
		final Map<String, String> wrongValues;

		Kind(String validValue, String typeName, Map<String, String> wrongValues) {
			this.validValue = validValue;
			this.typeName = typeName;
			this.wrongValues = wrongValues;
		}

	}

	/**
	 * A parameter and a value of the right kind that also passes the function's own
	 * checks.
	 */
	private record Parameter(String name, Kind kind, String validValue) {

		Parameter(String name, Kind kind) {
			this(name, kind, kind.validValue);
		}
	}

	private record Signature(String function, List<Parameter> parameters) {
	}

	private static final Parameter CRON = new Parameter("cron_expr", Kind.TEXT, "'@every 1s'");

	/** Every form of every function; a function with two forms has two signatures. */
	private static final List<Signature> SIGNATURES = List.of(signature("notify", text("channel"), text("payload")),
			signature("honker_bootstrap"),
			signature("honker_enqueue", text("queue"), text("payload"), integerOrNull("run_at"), integerOrNull("delay"),
					integer("priority"), integer("max_attempts"), integerOrNull("expires")),
			signature("honker_claim_batch", text("queue"), text("worker_id"), integer("n"), integer("timeout_s")),
			signature("honker_ack", integer("job_id"), text("worker_id")),
			signature("honker_ack_batch", new Parameter("ids_json", Kind.TEXT, "'[1]'"), text("worker_id")),
			signature("honker_retry", integer("job_id"), text("worker_id"), integer("delay_s"), text("error")),
			signature("honker_fail", integer("job_id"), text("worker_id"), text("error")),
			signature("honker_heartbeat", integer("job_id"), text("worker_id"), integer("extend_s")),
			signature("honker_cancel", integer("job_id")), signature("honker_get_job", integer("job_id")),
			signature("honker_sweep_expired", text("queue")), signature("honker_queue_next_claim_at", text("queue")),
			signature("honker_lock_acquire", text("name"), text("owner"), integer("ttl_s")),
			signature("honker_lock_release", text("name"), text("owner")),
			signature("honker_lock_renew", text("name"), text("owner"), integer("ttl_s")),
			signature("honker_rate_limit_try", text("name"), integer("limit"), integer("per")),
			signature("honker_rate_limit_sweep", integer("older_than_s")),
			signature("honker_result_save", integer("job_id"), text("value"), integer("ttl_s")),
			signature("honker_result_get", integer("job_id")), signature("honker_result_sweep"),
			signature("honker_stream_publish", text("topic"), textOrNull("key"), text("payload")),
			signature("honker_stream_read_since", text("topic"), integer("offset"), integer("limit")),
			signature("honker_stream_save_offset", text("consumer"), text("topic"), integer("offset")),
			signature("honker_stream_get_offset", text("consumer"), text("topic")),
			signature("honker_cron_next_after", new Parameter("expr", Kind.TEXT, "'@every 1s'"), integer("from_unix")),
			signature("honker_scheduler_register", text("name"), text("queue"), CRON, text("payload"),
					integer("priority"), integerOrNull("expires_s")),
			signature("honker_scheduler_register", text("name"), text("queue"), CRON, text("payload"),
					integer("priority"), integerOrNull("expires_s"), integer("max_attempts")),
			signature("honker_scheduler_unregister", text("name")),
			signature("honker_scheduler_tick", integer("now_unix")), signature("honker_scheduler_soonest"),
			signature("honker_scheduler_pause", text("name")), signature("honker_scheduler_resume", text("name")),
			signature("honker_scheduler_list"),
			signature("honker_scheduler_update", text("name"), textOrNull("cron_expr"), textOrNull("payload"),
					integerOrNull("priority"), integerOrNull("expires_s"), integer("touch_expires")),
			signature("honker_scheduler_update", text("name"), textOrNull("cron_expr"), textOrNull("payload"),
					integerOrNull("priority"), integerOrNull("expires_s"), integer("touch_expires"),
					integerOrNull("max_attempts"), integer("touch_max_attempts")));

	private static final List<String> HONKER_TABLES = List.of("_honker_live", "_honker_dead", "_honker_notifications",
			"_honker_locks", "_honker_rate_limits", "_honker_results", "_honker_stream", "_honker_stream_consumers",
			"_honker_scheduler_tasks");

	@TempDir
	static Path directory;

	static Connection connection;

	@BeforeAll
	static void openWithARowInEveryTable() throws SQLException {
		connection = TestDatabase.open(directory.resolve("typing.db"));
		queryLong(connection, "SELECT honker_enqueue('q', '{}', NULL, NULL, 0, 3, NULL)");
		queryString(connection, "SELECT honker_claim_batch('q', 'q', 1, 60)");
		queryLong(connection, "SELECT honker_enqueue('q', '{}', NULL, NULL, 0, 3, -1)");
		execute(connection, "INSERT INTO _honker_dead (id, queue, payload) VALUES (99, 'q', '{}')");
		queryLong(connection, "SELECT notify('q', '{}')");
		execute(connection, "INSERT INTO _honker_locks (name, owner, expires_at) VALUES ('q', 'other', 0)");
		execute(connection, "INSERT INTO _honker_rate_limits (name, window_start, count) VALUES ('q', 0, 1)");
		queryLong(connection, "SELECT honker_result_save(1, '{}', 1)");
		execute(connection, "UPDATE _honker_results SET expires_at = 0");
		queryLong(connection, "SELECT honker_stream_publish('q', NULL, '{}')");
		queryLong(connection, "SELECT honker_stream_save_offset('q', 'q', 0)");
		queryLong(connection, "SELECT honker_scheduler_register('q', 'q', '@every 1s', '{}', 0, NULL)");
		execute(connection, "UPDATE _honker_scheduler_tasks SET next_fire_at = 0");
	}

	@AfterAll
	static void close() throws SQLException {
		connection.close();
	}

	@TestFactory
	Stream<DynamicTest> everyWrongArgumentKindIsRejectedByNameAndChangesNothing() {
		List<DynamicTest> tests = new ArrayList<>();
		for (Signature signature : SIGNATURES) {
			for (int index = 0; index < signature.parameters().size(); index++) {
				Parameter parameter = signature.parameters().get(index);
				for (Map.Entry<String, String> wrong : parameter.kind().wrongValues.entrySet()) {
					String sql = call(signature, index, wrong.getKey());
					String expected = "(" + signature.function() + ": Invalid function parameter type "
							+ wrong.getValue() + " at index " + index + " (" + parameter.name() + " must be "
							+ parameter.kind().typeName + "))";
					tests.add(DynamicTest.dynamicTest(sql, () -> {
						Map<String, List<List<Object>>> before = honkerTables();
						assertError(connection, sql).hasMessageEndingWith(expected);
						assertThat(honkerTables()).isEqualTo(before);
					}));
				}
			}
		}
		return tests.stream();
	}

	@TestFactory
	Stream<DynamicTest> everyMissingOrExtraArgumentIsRefused() {
		Map<String, Set<Integer>> arities = SIGNATURES.stream()
			.collect(Collectors.groupingBy(Signature::function, LinkedHashMap::new, Collectors
				.mapping(signature -> signature.parameters().size(), Collectors.toCollection(TreeSet::new))));
		List<DynamicTest> tests = new ArrayList<>();
		arities.forEach((function, accepted) -> {
			for (int count = 0; count <= Collections.max(accepted) + 1; count++) {
				if (!accepted.contains(count)) {
					String sql = "SELECT " + function + "(" + String.join(", ", Collections.nCopies(count, "1")) + ")";
					tests.add(DynamicTest.dynamicTest(sql, () -> assertError(connection, sql)
						.hasMessageContaining("wrong number of arguments to function " + function + "()")));
				}
			}
		});
		return tests.stream();
	}

	@Test
	void validArgumentsOfEveryFunctionAreAccepted() throws Exception {
		connection.setAutoCommit(false);
		try {
			for (Signature signature : SIGNATURES) {
				String sql = call(signature, -1, null);
				assertThatCode(() -> queryString(connection, sql)).as(sql).doesNotThrowAnyException();
			}
		}
		finally {
			connection.rollback();
			connection.setAutoCommit(true);
		}
	}

	private static Map<String, List<List<Object>>> honkerTables() throws SQLException {
		Map<String, List<List<Object>>> tables = new LinkedHashMap<>();
		for (String table : HONKER_TABLES) {
			tables.put(table, rowsOf(connection, table));
		}
		return tables;
	}

	/**
	 * A call with valid arguments except the one at {@code wrongIndex}, which gets
	 * {@code wrongValue}.
	 */
	private static String call(Signature signature, int wrongIndex, String wrongValue) {
		List<Parameter> parameters = signature.parameters();
		List<String> arguments = new ArrayList<>();
		for (int i = 0; i < parameters.size(); i++) {
			arguments.add(i == wrongIndex ? wrongValue : parameters.get(i).validValue());
		}
		return arguments.stream().collect(Collectors.joining(", ", "SELECT " + signature.function() + "(", ")"));
	}

	private static Signature signature(String function, Parameter... parameters) {
		return new Signature(function, List.of(parameters));
	}

	private static Parameter text(String name) {
		return new Parameter(name, Kind.TEXT);
	}

	private static Parameter textOrNull(String name) {
		return new Parameter(name, Kind.TEXT_OR_NULL);
	}

	private static Parameter integer(String name) {
		return new Parameter(name, Kind.INTEGER);
	}

	private static Parameter integerOrNull(String name) {
		return new Parameter(name, Kind.INTEGER_OR_NULL);
	}

}
