package dev.honker.spring.core;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link HonkerTemplate} on the auto-configured Hikari pool of a real SQLite file, with
 * {@code DataSourceTransactionManager}.
 */
class HonkerTemplateTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return TemplateContexts.runner(this.directory.resolve("app.db"));
	}

	private String url() {
		return "jdbc:sqlite:" + this.directory.resolve("app.db");
	}

	record Email(String to, int retries) {
	}

	@Test
	void writesPayloadsAsJsonWithTheApplicationsMapper() {
		runner().run(context -> {
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			assertThat(payload(context, honker.enqueue("q", "hello"))).isEqualTo("\"hello\"");
			assertThat(payload(context, honker.enqueue("q", "42"))).isEqualTo("\"42\"");
			assertThat(payload(context, honker.enqueue("q", 42))).isEqualTo("42");
			assertThat(payload(context, honker.enqueue("q", new Email("alice", 2))))
				.isEqualTo("{\"to\":\"alice\",\"retries\":2}");
			assertThat(payload(context, honker.enqueue("q", Map.of("a", List.of(1, 2))))).isEqualTo("{\"a\":[1,2]}");
			assertThat(payload(context, honker.enqueue("q", null))).isEqualTo("null");
		});
	}

	@Test
	void enqueueJsonStoresValidJsonVerbatimAndRejectsTheRest() {
		runner().run(context -> {
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			assertThat(payload(context, honker.enqueueJson("q", "{\"to\": \"alice\"}")))
				.isEqualTo("{\"to\": \"alice\"}");
			for (String invalid : List.of("{\"to\":", "hello", "{} {}", "")) {
				assertThatExceptionOfType(HonkerPayloadException.class)
					.isThrownBy(() -> honker.enqueueJson("q", invalid))
					.withMessageStartingWith("json is not valid JSON");
			}
			assertThatIllegalArgumentException().isThrownBy(() -> honker.enqueueJson("q", null))
				.withMessageContaining("json must not be null");
			assertThat(count(context, "SELECT count(*) FROM _honker_live")).isEqualTo(1);
		});
	}

	@Test
	void rejectsAPayloadJacksonCannotWriteBeforeTouchingTheDatabase() {
		runner().run(context -> {
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			assertThatExceptionOfType(HonkerPayloadException.class)
				.isThrownBy(() -> honker.enqueue("q", new Unwritable()))
				.withMessageContaining("payload of type " + Unwritable.class.getName())
				.withMessageContaining("cannot be read");
			assertThat(count(context, "SELECT count(*) FROM _honker_live")).isZero();
		});
	}

	/** A bean whose only property fails when read. */
	static class Unwritable {

		public String getSecret() {
			throw new IllegalStateException("cannot be read");
		}

	}

	@Test
	void appliesJobOptionsAsIntegers() {
		runner().run(context -> {
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			long delayed = honker.enqueue("q", 1,
					JobOptions.defaults()
						.withDelay(Duration.ofSeconds(60))
						.withPriority(-7)
						.withMaxAttempts(5)
						.withExpires(Duration.ofMinutes(2)));
			assertThat(jdbc(context).queryForObject("""
					SELECT (run_at - created_at) || ',' || priority || ',' || max_attempts || ','
					       || (expires_at - created_at) || ',' || typeof(run_at) || typeof(priority)
					       || typeof(max_attempts) || typeof(expires_at)
					  FROM _honker_live WHERE id = ?""", String.class, delayed))
				.isEqualTo("60,-7,5,120,integerintegerintegerinteger");
			Instant runAt = Instant.ofEpochSecond(4_000_000_000L, 1);
			long scheduled = honker.enqueue("q", 1, JobOptions.defaults().withRunAt(runAt));
			assertThat(
					jdbc(context).queryForObject("SELECT run_at FROM _honker_live WHERE id = ?", Long.class, scheduled))
				.as("rounded up to the next second")
				.isEqualTo(4_000_000_001L);
			long plain = honker.enqueue("q", 1);
			assertThat(jdbc(context).queryForObject("""
					SELECT (run_at - created_at) || ',' || priority || ',' || max_attempts || ','
					       || coalesce(expires_at, 'never')
					  FROM _honker_live WHERE id = ?""", String.class, plain)).isEqualTo("0,0,3,never");
		});
	}

	@Test
	void validatesArgumentsBeforeTheyReachSql() {
		runner().run(context -> {
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			assertThatIllegalArgumentException().isThrownBy(() -> honker.enqueue("", 1))
				.withMessage("queue must not be empty, got ''");
			assertThatIllegalArgumentException().isThrownBy(() -> honker.enqueue(null, 1))
				.withMessage("queue must not be empty, got null");
			assertThatIllegalArgumentException().isThrownBy(() -> honker.notify(" ", 1))
				.withMessage("channel must not be empty, got ' '");
			assertThatIllegalArgumentException().isThrownBy(() -> honker.tryLock("lock", "me", Duration.ofMillis(1500)))
				.withMessage("ttl must be a whole number of seconds (Honker stores seconds), got PT1.5S");
			assertThatIllegalArgumentException().isThrownBy(() -> honker.tryAcquire("api", 0, Duration.ofSeconds(1)))
				.withMessage("limit must be at least 1, got 0");
			assertThatIllegalArgumentException().isThrownBy(() -> honker.tryAcquire("api", 1, Duration.ZERO))
				.withMessage("per must be at least one second, got PT0S");
			assertThatIllegalArgumentException().isThrownBy(() -> honker.saveResult(1, "x", Duration.ofSeconds(-1)))
				.withMessage("ttl must not be negative, got PT-1S");
			assertThat(count(context, "SELECT count(*) FROM _honker_live")).isZero();
		});
	}

	@Test
	void jobOptionsRejectInvalidValuesNamingTheOptionAndValue() {
		JobOptions options = JobOptions.defaults();
		assertThatIllegalArgumentException().isThrownBy(() -> options.withDelay(Duration.ofSeconds(-5)))
			.withMessage("delay must not be negative, got PT-5S");
		assertThatIllegalArgumentException().isThrownBy(() -> options.withDelay(Duration.ofMillis(500)))
			.withMessage("delay must be a whole number of seconds (Honker stores seconds), got PT0.5S");
		assertThatIllegalArgumentException().isThrownBy(() -> options.withDelay(Duration.ofMillis(2500)))
			.withMessage("delay must be a whole number of seconds (Honker stores seconds), got PT2.5S");
		assertThatIllegalArgumentException().isThrownBy(() -> options.withMaxAttempts(0))
			.withMessage("maxAttempts must be at least 1, got 0");
		assertThatIllegalArgumentException().isThrownBy(() -> options.withExpires(Duration.ZERO))
			.withMessage("expires must be at least one second, got PT0S");
		assertThatIllegalArgumentException().isThrownBy(() -> options.withExpires(Duration.ofMillis(100)))
			.withMessageContaining("expires must be a whole number of seconds");
		assertThatIllegalArgumentException().isThrownBy(() -> options.withDelay(null))
			.withMessage("delay must not be null");
		assertThat(options.withRunAt(Instant.EPOCH).withDelay(Duration.ofSeconds(1)).getRunAt()).isNull();
		assertThat(options.withDelay(Duration.ofSeconds(1)).withRunAt(Instant.EPOCH).getDelay()).isNull();
		assertThat(options.withPriority(3)).isEqualTo(JobOptions.defaults().withPriority(3)).isNotEqualTo(options);
		assertThat(options.getMaxAttempts()).isEqualTo(3);
	}

	@Test
	void notifyCancelAndJob() {
		runner().run(context -> {
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			long notification = honker.notify("orders", "shipped");
			assertThat(jdbc(context).queryForMap("SELECT channel, payload FROM _honker_notifications WHERE id = ?",
					notification))
				.containsEntry("channel", "orders")
				.containsEntry("payload", "\"shipped\"");

			long id = honker.enqueue("emails", new Email("bob", 0),
					JobOptions.defaults().withPriority(4).withExpires(Duration.ofSeconds(30)));
			Optional<Job> job = honker.job(id);
			assertThat(job).hasValueSatisfying(found -> {
				assertThat(found.id()).isEqualTo(id);
				assertThat(found.queue()).isEqualTo("emails");
				assertThat(found.payload()).isEqualTo("{\"to\":\"bob\",\"retries\":0}");
				assertThat(found.state()).isEqualTo("pending");
				assertThat(found.priority()).isEqualTo(4);
				assertThat(found.attempts()).isZero();
				assertThat(found.maxAttempts()).isEqualTo(3);
				assertThat(found.workerId()).isNull();
				assertThat(found.claimExpiresAt()).isNull();
				assertThat(Duration.between(found.createdAt(), found.expiresAt())).isEqualTo(Duration.ofSeconds(30));
				assertThat(found.runAt()).isEqualTo(found.createdAt());
			});
			jdbc(context).queryForObject("SELECT honker_claim_batch('emails', 'w1', 1, 60)", String.class);
			assertThat(honker.job(id)).hasValueSatisfying(claimed -> {
				assertThat(claimed.state()).isEqualTo("processing");
				assertThat(claimed.workerId()).isEqualTo("w1");
				assertThat(claimed.attempts()).isEqualTo(1);
				assertThat(claimed.claimExpiresAt()).isNotNull();
			});
			assertThat(honker.cancel(id)).isTrue();
			assertThat(honker.cancel(id)).isFalse();
			assertThat(honker.job(id)).isEmpty();
			assertThat(honker.job(987_654)).isEmpty();
		});
	}

	@Test
	void locks() {
		runner().run(context -> {
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			assertThat(honker.tryLock("nightly", "a", Duration.ofSeconds(60))).isTrue();
			assertThat(honker.tryLock("nightly", "b", Duration.ofSeconds(60))).isFalse();
			assertThat(honker.tryLock("nightly", "a", Duration.ofSeconds(60))).isTrue();
			assertThat(honker.renewLock("nightly", "a", Duration.ofSeconds(600))).isTrue();
			assertThat(jdbc(context).queryForObject(
					"SELECT expires_at - unixepoch() FROM _honker_locks WHERE name = 'nightly'", Long.class))
				.isBetween(598L, 600L);
			assertThat(honker.renewLock("nightly", "b", Duration.ofSeconds(60))).isFalse();
			assertThat(honker.unlock("nightly", "b")).isFalse();
			assertThat(honker.unlock("nightly", "a")).isTrue();
			assertThat(honker.tryLock("nightly", "b", Duration.ofSeconds(60))).isTrue();
		});
	}

	@Test
	void rateLimits() {
		runner().run(context -> {
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			// A one-day window: all three calls fall into the same window unless the test
			// straddles midnight UTC.
			Duration day = Duration.ofDays(1);
			List<Boolean> grants = List.of(honker.tryAcquire("api", 2, day), honker.tryAcquire("api", 2, day),
					honker.tryAcquire("api", 2, day));
			assertThat(grants.stream().filter(granted -> granted)).hasSizeBetween(2, 3);
			assertThat(grants.get(0)).isTrue();
			assertThat(jdbc(context).queryForObject("SELECT max(count) FROM _honker_rate_limits WHERE name = 'api'",
					Long.class))
				.isEqualTo(2);
		});
	}

	@Test
	void results() {
		runner().run(context -> {
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			honker.saveResult(7, new Email("carol", 1), Duration.ZERO);
			assertThat(honker.result(7, Email.class)).contains(new Email("carol", 1));
			assertThat(jdbc(context).queryForMap("SELECT value, expires_at FROM _honker_results WHERE job_id = 7"))
				.containsEntry("value", "{\"to\":\"carol\",\"retries\":1}")
				.containsEntry("expires_at", null);
			honker.saveResult(7, "done", Duration.ofHours(1));
			assertThat(honker.result(7, String.class)).contains("done");
			assertThat(jdbc(context)
				.queryForObject("SELECT expires_at - unixepoch() FROM _honker_results WHERE job_id = 7", Long.class))
				.isBetween(3598L, 3600L);
			assertThat(honker.result(8, String.class)).isEmpty();
			honker.saveResult(9, null, Duration.ZERO);
			assertThat(honker.result(9, String.class)).isEmpty();
			assertThatExceptionOfType(HonkerPayloadException.class).isThrownBy(() -> honker.result(7, Email.class))
				.withMessageContaining("result of job 7");
		});
	}

	/** A {@code @Transactional} service writing a business row and Honker rows. */
	static class Shop {

		private final JdbcTemplate jdbc;

		private final HonkerTemplate honker;

		Shop(DataSource dataSource, HonkerTemplate honker) {
			this.jdbc = new JdbcTemplate(dataSource);
			this.honker = honker;
		}

		@Transactional
		public void order(String item, boolean fail) {
			this.jdbc.update("INSERT INTO orders (item) VALUES (?)", item);
			this.honker.enqueue("orders", item);
			this.honker.notify("orders", item);
			this.honker.saveResult(item.length(), item, Duration.ZERO);
			if (fail) {
				throw new IllegalStateException("business failure");
			}
		}

	}

	@Test
	void joinsTheSpringTransactionAndRollsBackWithIt() {
		runner().withBean(Shop.class).run(context -> {
			assertThat(context.getBean(PlatformTransactionManager.class))
				.isInstanceOf(DataSourceTransactionManager.class);
			JdbcTemplate jdbc = jdbc(context);
			jdbc.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT NOT NULL)");
			Shop shop = context.getBean(Shop.class);
			shop.order("kept", false);
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> shop.order("lost!", true));

			assertThat(jdbc.queryForList("SELECT item FROM orders", String.class)).containsExactly("kept");
			assertThat(jdbc.queryForList("SELECT payload FROM _honker_live", String.class)).containsExactly("\"kept\"");
			assertThat(jdbc.queryForList("SELECT payload FROM _honker_notifications", String.class))
				.containsExactly("\"kept\"");
			assertThat(jdbc.queryForList("SELECT value FROM _honker_results", String.class))
				.containsExactly("\"kept\"");
		});
	}

	@Test
	void aFailingFunctionLeavesTheTransactionAsItWas() {
		runner().run(context -> {
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			JdbcTemplate jdbc = jdbc(context);
			jdbc.execute("DROP TABLE _honker_locks");
			context.getBean(TransactionTemplate.class).executeWithoutResult(status -> {
				honker.enqueue("q", "before");
				assertThatExceptionOfType(HonkerFunctionException.class)
					.isThrownBy(() -> honker.tryLock("l", "me", Duration.ofSeconds(5)))
					.satisfies(ex -> {
						assertThat(ex.getFunctionName()).isEqualTo("honker_lock_acquire");
						assertThat(ex.getSqliteMessage()).startsWith("honker_lock_acquire: ")
							.contains("no such table: _honker_locks");
					});
				honker.enqueue("q", "after");
			});
			assertThat(jdbc.queryForList("SELECT payload FROM _honker_live ORDER BY id", String.class))
				.containsExactly("\"before\"", "\"after\"");
		});
	}

	@Test
	void outsideATransactionEachCallCommitsOnItsOwn() {
		runner().run(context -> {
			long id = context.getBean(HonkerTemplate.class).enqueue("q", "alone");
			try (Connection other = DriverManager.getConnection(url());
					Statement statement = other.createStatement();
					ResultSet rows = statement.executeQuery("SELECT payload FROM _honker_live WHERE id = " + id)) {
				assertThat(rows.next()).isTrue();
				assertThat(rows.getString(1)).isEqualTo("\"alone\"");
			}
		});
	}

	@Test
	void aBusyDatabaseIsACannotAcquireLockException() {
		runner().withPropertyValues("honker.sqlite.busy-timeout=50ms").run(context -> {
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			try (Connection writer = DriverManager.getConnection(url());
					Statement statement = writer.createStatement()) {
				statement.execute("BEGIN IMMEDIATE");
				assertThatExceptionOfType(CannotAcquireLockException.class).isThrownBy(() -> honker.enqueue("q", 1))
					.withMessageContaining("busy");
				statement.execute("ROLLBACK");
			}
			assertThat(honker.enqueue("q", 1)).isPositive();
		});
	}

	@Test
	void translatesFunctionErrorsWithTheFunctionNameAndSqlitesMessage() {
		runner().run(context -> {
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			jdbc.setExceptionTranslator(new HonkerExceptionTranslator(jdbc.getExceptionTranslator()));
			assertThatExceptionOfType(HonkerFunctionException.class).isThrownBy(
					() -> jdbc.queryForObject("SELECT honker_enqueue(NULL, '1', NULL, NULL, 0, 3, NULL)", Long.class))
				.satisfies(ex -> {
					assertThat(ex.getFunctionName()).isEqualTo("honker_enqueue");
					assertThat(ex.getSqliteMessage()).isEqualTo(
							"honker_enqueue: Invalid function parameter type Null at index 0 (queue must be Text)");
				})
				.withMessageStartingWith("honker_enqueue failed: honker_enqueue: Invalid function parameter type");
			assertThatExceptionOfType(HonkerFunctionException.class)
				.isThrownBy(() -> jdbc.queryForObject("SELECT honker_rate_limit_try('x', 0, 1)", Long.class))
				.satisfies(ex -> assertThat(ex.getSqliteMessage()).contains("limit and per must be positive"));
			assertThatExceptionOfType(HonkerFunctionException.class)
				.isThrownBy(() -> jdbc.queryForObject("SELECT honker_nonexistent(1)", Long.class))
				.withMessageContaining("no such function: honker_nonexistent")
				.withMessageContaining("not registered on this connection");
		});
	}

	private static JdbcTemplate jdbc(AssertableApplicationContext context) {
		return new JdbcTemplate(context.getBean(DataSource.class));
	}

	private static String payload(AssertableApplicationContext context, long id) {
		return jdbc(context).queryForObject("SELECT payload FROM _honker_live WHERE id = ?", String.class, id);
	}

	private static long count(AssertableApplicationContext context, String sql) {
		return jdbc(context).queryForObject(sql, Long.class);
	}

}
