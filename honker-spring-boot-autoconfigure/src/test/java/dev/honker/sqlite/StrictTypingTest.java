package dev.honker.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every argument of every queue and schema function is typed as strictly as Honker 0.4 types it
 * (spec 0): TEXT takes only TEXT, INTEGER only INTEGER, and only the "or NULL" parameters take NULL.
 * Each wrong kind (NULL, REAL 1.0, INTEGER for TEXT, TEXT for INTEGER, BLOB) is an error naming the
 * function, the argument and the kind it got, and writes nothing.
 */
class StrictTypingTest {

    private enum Kind {
        TEXT("'q'", "Text"),
        INTEGER("1", "Integer"),
        INTEGER_OR_NULL("NULL", "Integer");

        final String validValue;
        final String typeName;

        Kind(String validValue, String typeName) {
            this.validValue = validValue;
            this.typeName = typeName;
        }

        /** Wrong values for this kind, each with the type name the error reports. */
        Map<String, String> wrongValues() {
            return switch (this) {
                case TEXT -> Map.of("NULL", "Null", "1.0", "Real", "1", "Integer", "X'71'", "Blob");
                case INTEGER -> Map.of("NULL", "Null", "1.0", "Real", "'1'", "Text", "X'01'", "Blob");
                case INTEGER_OR_NULL -> Map.of("1.0", "Real", "'1'", "Text", "X'01'", "Blob");
            };
        }
    }

    private record Parameter(String name, Kind kind) {
    }

    private record Signature(String function, List<Parameter> parameters) {
    }

    private static final List<Signature> SIGNATURES = List.of(
            signature("notify", "channel", Kind.TEXT, "payload", Kind.TEXT),
            signature("honker_enqueue", "queue", Kind.TEXT, "payload", Kind.TEXT, "run_at", Kind.INTEGER_OR_NULL,
                    "delay", Kind.INTEGER_OR_NULL, "priority", Kind.INTEGER, "max_attempts", Kind.INTEGER,
                    "expires", Kind.INTEGER_OR_NULL),
            signature("honker_claim_batch", "queue", Kind.TEXT, "worker_id", Kind.TEXT, "n", Kind.INTEGER,
                    "timeout_s", Kind.INTEGER),
            signature("honker_ack", "job_id", Kind.INTEGER, "worker_id", Kind.TEXT),
            signature("honker_ack_batch", "ids_json", Kind.TEXT, "worker_id", Kind.TEXT),
            signature("honker_retry", "job_id", Kind.INTEGER, "worker_id", Kind.TEXT, "delay_s", Kind.INTEGER,
                    "error", Kind.TEXT),
            signature("honker_fail", "job_id", Kind.INTEGER, "worker_id", Kind.TEXT, "error", Kind.TEXT),
            signature("honker_heartbeat", "job_id", Kind.INTEGER, "worker_id", Kind.TEXT, "extend_s", Kind.INTEGER),
            signature("honker_cancel", "job_id", Kind.INTEGER),
            signature("honker_get_job", "job_id", Kind.INTEGER),
            signature("honker_sweep_expired", "queue", Kind.TEXT),
            signature("honker_queue_next_claim_at", "queue", Kind.TEXT));

    @TempDir
    static Path directory;

    static Connection connection;

    @BeforeAll
    static void open() throws SQLException {
        connection = TestDatabase.open(directory.resolve("typing.db"));
    }

    @AfterAll
    static void close() throws SQLException {
        connection.close();
    }

    @TestFactory
    Stream<DynamicTest> everyWrongArgumentKindIsRejectedByName() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Signature signature : SIGNATURES) {
            for (int index = 0; index < signature.parameters().size(); index++) {
                Parameter parameter = signature.parameters().get(index);
                for (Map.Entry<String, String> wrong : parameter.kind().wrongValues().entrySet()) {
                    String sql = call(signature, index, wrong.getKey());
                    String expected = signature.function() + ": Invalid function parameter type " + wrong.getValue()
                            + " at index " + index + " (" + parameter.name() + " must be " + parameter.kind().typeName + ")";
                    tests.add(DynamicTest.dynamicTest(sql, () -> {
                        assertThatThrownBy(() -> TestDatabase.queryString(connection, sql))
                                .isInstanceOf(SQLException.class)
                                .hasMessageContaining(expected);
                        assertNothingWritten();
                    }));
                }
            }
        }
        return tests.stream();
    }

    @Test
    void validArgumentsOfEveryFunctionAreAccepted() throws Exception {
        try {
            for (Signature signature : SIGNATURES) {
                String sql = signature.function().equals("honker_ack_batch")
                        ? "SELECT honker_ack_batch('[1]', 'q')"
                        : call(signature, -1, null);
                assertThatCode(() -> TestDatabase.queryString(connection, sql)).as(sql).doesNotThrowAnyException();
            }
        } finally {
            TestDatabase.execute(connection, "DELETE FROM _honker_live");
            TestDatabase.execute(connection, "DELETE FROM _honker_dead");
            TestDatabase.execute(connection, "DELETE FROM _honker_notifications");
        }
    }

    @Test
    void wrongArityIsRejectedBySqlite() {
        assertThatThrownBy(() -> TestDatabase.queryString(connection, "SELECT honker_enqueue('q', '{}')"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("wrong number of arguments to function honker_enqueue()");
    }

    private static void assertNothingWritten() throws SQLException {
        assertThat(TestDatabase.queryLong(connection, "SELECT (SELECT count(*) FROM _honker_live) "
                + "+ (SELECT count(*) FROM _honker_dead) + (SELECT count(*) FROM _honker_notifications)")).isZero();
    }

    /** A call with valid arguments except the one at {@code wrongIndex}, which gets {@code wrongValue}. */
    private static String call(Signature signature, int wrongIndex, String wrongValue) {
        List<Parameter> parameters = signature.parameters();
        List<String> arguments = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            arguments.add(i == wrongIndex ? wrongValue : parameters.get(i).kind().validValue);
        }
        return arguments.stream().collect(Collectors.joining(", ", "SELECT " + signature.function() + "(", ")"));
    }

    private static Signature signature(String function, Object... namesAndKinds) {
        List<Parameter> parameters = new ArrayList<>();
        for (int i = 0; i < namesAndKinds.length; i += 2) {
            parameters.add(new Parameter((String) namesAndKinds[i], (Kind) namesAndKinds[i + 1]));
        }
        return new Signature(function, parameters);
    }
}
