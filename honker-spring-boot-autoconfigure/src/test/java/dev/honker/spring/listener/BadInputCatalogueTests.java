package dev.honker.spring.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.honker.spring.boot.autoconfigure.HonkerAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.HonkerConfigurationException;
import dev.honker.spring.core.HonkerPayloadException;
import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.core.JobOptions;

/**
 * The bad-input catalogue: one table row per input a user can get wrong, through
 * {@link HonkerTemplate} and {@link JobOptions}, the SQL functions, the configuration and
 * listener payloads. Each row names the input, the error the user sees (its type and the
 * words that name the argument and value), and checks that the database is unchanged: a
 * call fails inside a transaction that has already inserted an order, which still
 * commits, and every Honker table is as it was; a configuration fails startup and leaves
 * the file as it was; a payload dead-letters only its own job.
 */
class BadInputCatalogueTests {

	private static final long HUGE = Long.MAX_VALUE;

	private static final Duration HUGE_DURATION = Duration.ofSeconds(HUGE);

	@TempDir
	Path directory;

	private HikariDataSource pool;

	private JdbcTemplate jdbc;

	private HonkerTemplate honker;

	private TransactionTemplate transaction;

	private long claimedJob;

	@BeforeEach
	void openDatabase() throws SQLException {
		this.pool = HonkerTestPool.pool(this.directory.resolve("app.db"));
		this.jdbc = new JdbcTemplate(this.pool);
		this.honker = new HonkerTemplate(this.pool, JsonMapper.shared());
		this.transaction = new TransactionTemplate(new DataSourceTransactionManager(this.pool));
		this.jdbc.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT NOT NULL)");
		this.claimedJob = HonkerTestPool.enqueue(this.pool, "claimed", "\"job\"", 3);
		this.jdbc.queryForObject("SELECT honker_claim_batch('claimed', 'w', 1, 60)", String.class);
		this.honker.enqueue("emails", Map.of("to", "a@example.com"));
		this.honker.notify("news", "hello");
		this.honker.tryLock("nightly", "w", Duration.ofSeconds(60));
		this.honker.saveResult(this.claimedJob, "done", Duration.ofSeconds(60));
	}

	@AfterEach
	void closeDatabase() {
		this.pool.close();
	}

	/** A call with bad input, given the test's template and JdbcTemplate. */
	@FunctionalInterface
	interface BadCall {

		void call(HonkerTemplate honker, JdbcTemplate jdbc, long claimedJob) throws Exception;

	}

	static Stream<Arguments> calls() {
		return Stream.of(
				row("enqueue with a null queue", (h, j, id) -> h.enqueue(null, "x"), IllegalArgumentException.class,
						"queue must not be empty, got null"),
				row("enqueue with a blank queue", (h, j, id) -> h.enqueue(" ", "x"), IllegalArgumentException.class,
						"queue must not be empty, got ' '"),
				row("enqueue a payload Jackson cannot write", (h, j, id) -> h.enqueue("q", new Unwritable()),
						HonkerPayloadException.class, "payload"),
				row("enqueue with null options", (h, j, id) -> h.enqueue("q", "x", null),
						IllegalArgumentException.class, "options must not be null"),
				row("enqueueJson with text that is not JSON", (h, j, id) -> h.enqueueJson("q", "{not json"),
						HonkerPayloadException.class, "json"),
				row("enqueueJson with null", (h, j, id) -> h.enqueueJson("q", null), IllegalArgumentException.class,
						"json must not be null"),
				row("delay of Long.MAX_VALUE seconds",
						(h, j, id) -> h.enqueue("q", "x", JobOptions.defaults().withDelay(HUGE_DURATION)),
						IllegalArgumentException.class, "delay must end by 9999-12-31T23:59:59Z"),
				row("negative delay", (h, j, id) -> JobOptions.defaults().withDelay(Duration.ofSeconds(-1)),
						IllegalArgumentException.class, "delay must not be negative, got PT-1S"),
				row("delay of 1.5 s", (h, j, id) -> JobOptions.defaults().withDelay(Duration.ofMillis(1500)),
						IllegalArgumentException.class, "delay must be a whole number of seconds"),
				row("runAt of Instant.MAX", (h, j, id) -> JobOptions.defaults().withRunAt(Instant.MAX),
						IllegalArgumentException.class, "runAt must lie between"),
				row("runAt of Instant.MIN", (h, j, id) -> JobOptions.defaults().withRunAt(Instant.MIN),
						IllegalArgumentException.class, "runAt must lie between"),
				row("expires of zero", (h, j, id) -> JobOptions.defaults().withExpires(Duration.ZERO),
						IllegalArgumentException.class, "expires must be at least one second"),
				row("expires of Long.MAX_VALUE seconds", (h, j, id) -> JobOptions.defaults().withExpires(HUGE_DURATION),
						IllegalArgumentException.class, "expires must end by 9999-12-31T23:59:59Z"),
				row("maxAttempts of zero", (h, j, id) -> JobOptions.defaults().withMaxAttempts(0),
						IllegalArgumentException.class, "maxAttempts must be at least 1, got 0"),
				row("notify on a null channel", (h, j, id) -> h.notify(null, "x"), IllegalArgumentException.class,
						"channel must not be empty"),
				row("lock ttl of Long.MAX_VALUE seconds", (h, j, id) -> h.tryLock("l", "o", HUGE_DURATION),
						IllegalArgumentException.class, "ttl must end by 9999-12-31T23:59:59Z"),
				row("lock with a null owner", (h, j, id) -> h.tryLock("l", null, Duration.ofSeconds(1)),
						IllegalArgumentException.class, "owner must not be empty"),
				row("rate limit of zero", (h, j, id) -> h.tryAcquire("r", 0, Duration.ofSeconds(1)),
						IllegalArgumentException.class, "limit must be at least 1, got 0"),
				row("rate limit window of Long.MAX_VALUE seconds", (h, j, id) -> h.tryAcquire("r", 1, HUGE_DURATION),
						IllegalArgumentException.class, "per must end by 9999-12-31T23:59:59Z"),
				row("result ttl of -1 s", (h, j, id) -> h.saveResult(id, "v", Duration.ofSeconds(-1)),
						IllegalArgumentException.class, "ttl must not be negative"),
				row("result ttl of Long.MAX_VALUE seconds", (h, j, id) -> h.saveResult(id, "v", HUGE_DURATION),
						IllegalArgumentException.class, "ttl must end by 9999-12-31T23:59:59Z"),
				row("result read as a null type", (h, j, id) -> h.result(id, null), IllegalArgumentException.class,
						"type must not be null"),
				sql("honker_enqueue with a NULL queue", "SELECT honker_enqueue(NULL, '1', NULL, NULL, 0, 3, NULL)",
						"honker_enqueue: Invalid function parameter type Null at index 0 (queue must be Text)"),
				sql("honker_enqueue with a REAL delay", "SELECT honker_enqueue('q', '1', NULL, 1.5, 0, 3, NULL)",
						"(delay must be Integer)"),
				sql("honker_enqueue with delay 2^63-1",
						"SELECT honker_enqueue('q', '1', NULL, " + HUGE + ", 0, 3, NULL)",
						"honker_enqueue: delay " + HUGE + " is out of range"),
				sql("honker_enqueue with run_at 2^63-1",
						"SELECT honker_enqueue('q', '1', " + HUGE + ", NULL, 0, 3, NULL)",
						"honker_enqueue: run_at " + HUGE + " is out of range"),
				sql("honker_enqueue with expires -2^63",
						"SELECT honker_enqueue('q', '1', NULL, NULL, 0, 3, " + Long.MIN_VALUE + ")",
						"honker_enqueue: expires " + Long.MIN_VALUE + " is out of range"),
				sql("honker_claim_batch with timeout 2^63-1",
						"SELECT honker_claim_batch('emails', 'w2', 1, " + HUGE + ")",
						"honker_claim_batch: timeout_s " + HUGE + " is out of range"),
				sql("honker_retry with delay 2^63-1", "SELECT honker_retry(%d, 'w', " + HUGE + ", 'e')",
						"honker_retry: delay_s " + HUGE + " is out of range"),
				sql("honker_heartbeat with extend 2^63-1", "SELECT honker_heartbeat(%d, 'w', " + HUGE + ")",
						"honker_heartbeat: extend_s " + HUGE + " is out of range"),
				sql("honker_lock_acquire with ttl 2^63-1", "SELECT honker_lock_acquire('l', 'o', " + HUGE + ")",
						"honker_lock_acquire: ttl_s " + HUGE + " is out of range"),
				sql("honker_lock_renew with ttl 2^63-1", "SELECT honker_lock_renew('nightly', 'w', " + HUGE + ")",
						"honker_lock_renew: ttl_s " + HUGE + " is out of range"),
				sql("honker_rate_limit_try with per 2^63-1", "SELECT honker_rate_limit_try('r', 1, " + HUGE + ")",
						"honker_rate_limit_try: per " + HUGE + " is out of range"),
				sql("honker_result_save with ttl 2^63-1", "SELECT honker_result_save(%d, '1', " + HUGE + ")",
						"honker_result_save: ttl_s " + HUGE + " is out of range"),
				sql("honker_cron_next_after from 2^63-1", "SELECT honker_cron_next_after('0 * * * *', " + HUGE + ")",
						"honker_cron_next_after: from_unix " + HUGE + " is out of range"),
				sql("honker_cron_next_after with a bad expression", "SELECT honker_cron_next_after('61 * * * *', 0)",
						"honker_cron_next_after"));
	}

	private static Arguments row(String input, BadCall call, Class<? extends Throwable> error, String message) {
		return Arguments.of(input, call, error, message);
	}

	/** A SQL call through JdbcTemplate, which reports SQLite's error untranslated. */
	private static Arguments sql(String input, String sql, String message) {
		return row(input, (h, j, id) -> j.queryForObject(sql.formatted(id), Object.class),
				UncategorizedSQLException.class, message);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("calls")
	void aBadCallFailsClearlyAndLeavesTheDatabaseAndTheTransactionAsTheyWere(String input, BadCall call,
			Class<? extends Throwable> error, String message) {
		Map<String, List<Map<String, Object>>> before = HonkerTables.snapshot(this.jdbc);
		Throwable failure = this.transaction.execute(status -> {
			this.jdbc.update("INSERT INTO orders (item) VALUES ('kept')");
			return catchThrowable(() -> call.call(this.honker, this.jdbc, this.claimedJob));
		});

		assertThat(failure).as(input).isInstanceOf(error).hasMessageContaining(message);
		assertThat(HonkerTables.snapshot(this.jdbc)).as("Honker tables after: %s", input).isEqualTo(before);
		assertThat(this.jdbc.queryForList("SELECT item FROM orders", String.class))
			.as("the transaction's own write committed")
			.containsExactly("kept");
	}

	static Stream<Arguments> configurations() {
		return Stream.of(
				Arguments.of("honker.sqlite.journal-mode=BOGUS", "honker.sqlite.journal-mode",
						"No enum constant dev.honker.spring.boot.autoconfigure.HonkerProperties.JournalMode.BOGUS"),
				Arguments.of("honker.sqlite.busy-timeout=-1s", "honker.sqlite.busy-timeout",
						"Invalid value 'PT-1S' for honker.sqlite.busy-timeout"),
				Arguments.of("honker.extension.path=/nowhere/libhonker_ext.so", "honker.extension.path",
						"honker.extension.path=/nowhere/libhonker_ext.so"),
				Arguments.of("honker.extension.entry-point=", "honker.extension.entry-point",
						"honker.extension.entry-point"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("configurations")
	void aBadPropertyStopsStartupNamingItAndLeavesTheFileAsItWas(String property, String name, String message) {
		Map<String, List<Map<String, Object>>> before = HonkerTables.snapshot(this.jdbc);
		List<String> properties = new ArrayList<>(
				List.of(property, "spring.datasource.url=jdbc:sqlite:" + this.directory.resolve("app.db")));
		if (property.startsWith("honker.extension.entry-point")) {
			properties.add("honker.extension.path=" + this.directory.resolve("app.db"));
		}
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, JacksonAutoConfiguration.class,
					HonkerAutoConfiguration.class))
			.withPropertyValues(properties.toArray(String[]::new))
			.run(context -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasStackTraceContaining(name).hasStackTraceContaining(message);
				if (rootCause(context.getStartupFailure()) instanceof HonkerConfigurationException honker) {
					assertThat(honker.getAction()).isNotBlank();
				}
			});
		assertThat(HonkerTables.snapshot(this.jdbc)).isEqualTo(before);
	}

	static Stream<Arguments> payloads() {
		return Stream.of(Arguments.of("text that is not JSON", "not json", "cannot be converted to"),
				Arguments.of("a string where the record has a number", "{\"name\":\"a\",\"size\":\"big\"}",
						"cannot be converted to"),
				Arguments.of("an array where the record is an object", "[1,2]", "cannot be converted to"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("payloads")
	void aPayloadTheListenerCannotConvertDeadLettersOnlyItsJob(String input, String payload, String message)
			throws SQLException {
		long bad = HonkerTestPool.enqueue(this.pool, "items", payload, 3);
		Map<String, List<Map<String, Object>>> before = HonkerTables.snapshot(this.jdbc);
		ListenerContexts.runner(this.pool).withBean(ItemListener.class).run(context -> {
			await().atMost(Duration.ofSeconds(30))
				.until(() -> this.jdbc.queryForObject("SELECT count(*) FROM _honker_dead WHERE id = ?", Long.class,
						bad) == 1);
			assertThat(context.getBean(ItemListener.class).received).isEmpty();
		});
		assertThat(this.jdbc.queryForObject("SELECT last_error FROM _honker_dead WHERE id = ?", String.class, bad))
			.as(input)
			.startsWith(PayloadConversionException.class.getName())
			.contains(message);
		Map<String, List<Map<String, Object>>> after = HonkerTables.snapshot(this.jdbc);
		before.get("_honker_live").removeIf(row -> ((Number) row.get("id")).longValue() == bad);
		after.remove("_honker_dead");
		before.remove("_honker_dead");
		assertThat(after).as("everything but the bad job").isEqualTo(before);
	}

	private static Throwable rootCause(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	/** A payload whose getter throws, so Jackson cannot write it. */
	static class Unwritable {

		public String getValue() {
			throw new IllegalStateException("no value");
		}

	}

	/** A record payload. */
	record Item(String name, int size) {
	}

	static class ItemListener {

		final List<Item> received = new CopyOnWriteArrayList<>();

		@HonkerListener(queue = "items", id = "items")
		void handle(Item item) {
			this.received.add(item);
		}

	}

}
