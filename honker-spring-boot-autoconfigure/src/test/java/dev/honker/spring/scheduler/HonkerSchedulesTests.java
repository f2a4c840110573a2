package dev.honker.spring.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.honker.spring.core.HonkerPayloadException;
import dev.honker.spring.listener.PooledDatabaseTests;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link HonkerSchedules} on a real file: the lifecycle of a schedule with typed records,
 * the caller's transaction, bad input, idempotent declaration, and rows written the way
 * the Python binding writes them.
 */
class HonkerSchedulesTests extends PooledDatabaseTests {

	private HonkerSchedules schedules;

	private JdbcTemplate jdbc;

	@BeforeEach
	void open() {
		this.schedules = new HonkerSchedules(this.pool, JsonMapper.shared());
		this.jdbc = new JdbcTemplate(this.pool);
	}

	@Test
	void registersAndListsTypedSchedules() {
		long before = Instant.now().getEpochSecond();
		this.schedules.register(ScheduleDefinition.of("nightly", "reports", "0 3 * * *")
			.withPayload(Map.of("kind", "daily"))
			.withPriority(5)
			.withExpires(Duration.ofMinutes(10))
			.withMaxAttempts(4));
		this.schedules.register(ScheduleDefinition.of("beat", "ticks", "@every 5s"));
		List<Schedule> all = this.schedules.list();
		assertThat(all).extracting(Schedule::name).containsExactly("beat", "nightly");
		Schedule nightly = all.get(1);
		assertThat(nightly.queue()).isEqualTo("reports");
		assertThat(nightly.expression()).isEqualTo("0 3 * * *");
		assertThat(nightly.payload().get("kind").asString()).isEqualTo("daily");
		assertThat(nightly.priority()).isEqualTo(5);
		assertThat(nightly.expires()).isEqualTo(Duration.ofMinutes(10));
		assertThat(nightly.maxAttempts()).isEqualTo(4);
		assertThat(nightly.enabled()).isTrue();
		assertThat(nightly.nextFireAt().getEpochSecond()).isGreaterThan(before);
		Schedule beat = all.get(0);
		assertThat(beat.payload().isNull()).isTrue();
		assertThat(beat.expires()).isNull();
		assertThat(beat.maxAttempts()).isEqualTo(3);
		assertThat(beat.nextFireAt().getEpochSecond()).isBetween(before + 5, Instant.now().getEpochSecond() + 5);
		assertThat(this.jdbc.queryForObject("SELECT payload FROM _honker_scheduler_tasks WHERE name = 'nightly'",
				String.class))
			.isEqualTo("{\"kind\":\"daily\"}");
	}

	@Test
	void pausesResumesAndUnregisters() {
		this.schedules.register(ScheduleDefinition.of("beat", "ticks", "@every 5s"));
		assertThat(this.schedules.pause("beat")).isTrue();
		assertThat(this.schedules.pause("beat")).as("already paused").isFalse();
		assertThat(this.schedules.find("beat")).get().extracting(Schedule::enabled).isEqualTo(false);
		this.schedules.register(ScheduleDefinition.of("beat", "ticks", "@every 7s"));
		assertThat(this.schedules.find("beat").get().enabled()).as("re-registration keeps it paused").isFalse();
		assertThat(this.schedules.resume("beat")).isTrue();
		assertThat(this.schedules.resume("beat")).isFalse();
		assertThat(this.schedules.pause("missing")).isFalse();
		assertThat(this.schedules.unregister("beat")).isTrue();
		assertThat(this.schedules.unregister("beat")).isFalse();
		assertThat(this.schedules.list()).isEmpty();
	}

	@Test
	void updatesOnlyTheGivenFields() {
		this.schedules.register(ScheduleDefinition.of("nightly", "reports", "0 3 * * *")
			.withPayload("v1")
			.withExpires(Duration.ofSeconds(60))
			.withMaxAttempts(5));
		Instant next = this.schedules.find("nightly").get().nextFireAt();
		assertThat(this.schedules.update("nightly", ScheduleUpdate.change().withPayload(List.of(1, 2)))).isTrue();
		Schedule updated = this.schedules.find("nightly").get();
		assertThat(updated.payload().toString()).isEqualTo("[1,2]");
		assertThat(updated.nextFireAt()).as("a payload change keeps the boundary").isEqualTo(next);
		assertThat(updated.expires()).isEqualTo(Duration.ofSeconds(60));
		assertThat(updated.maxAttempts()).isEqualTo(5);
		long before = Instant.now().getEpochSecond();
		assertThat(this.schedules.update("nightly",
				ScheduleUpdate.change().withExpression("@every 2s").withExpires(null).withPriority(-1)))
			.isTrue();
		updated = this.schedules.find("nightly").get();
		assertThat(updated.expression()).isEqualTo("@every 2s");
		assertThat(updated.nextFireAt().getEpochSecond()).isBetween(before + 2, Instant.now().getEpochSecond() + 2);
		assertThat(updated.expires()).isNull();
		assertThat(updated.priority()).isEqualTo(-1);
		assertThat(updated.payload().toString()).isEqualTo("[1,2]");
		assertThat(this.schedules.update("nightly", ScheduleUpdate.change())).as("nothing to change").isFalse();
		assertThat(this.schedules.update("missing", ScheduleUpdate.change().withPriority(1))).isFalse();
	}

	@Test
	void runsInTheCallersTransaction() {
		TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(this.pool));
		transaction.executeWithoutResult(status -> {
			this.schedules.register(ScheduleDefinition.of("beat", "ticks", "@every 5s"));
			assertThat(this.schedules.list()).hasSize(1);
			status.setRollbackOnly();
		});
		assertThat(this.schedules.list()).isEmpty();
		transaction.executeWithoutResult(
				status -> this.schedules.register(ScheduleDefinition.of("beat", "ticks", "@every 5s")));
		assertThat(this.schedules.list()).hasSize(1);
	}

	@Test
	void refusesBadInputBeforeWriting() {
		assertThatIllegalArgumentException().isThrownBy(() -> ScheduleDefinition.of("x", "q", "* * *"))
			.withMessageContaining("'* * *'")
			.withMessageContaining("schedule expression requires 5 or 6 cron fields");
		assertThatIllegalArgumentException().isThrownBy(() -> ScheduleDefinition.of("x", "q", "0 0 * * 7"))
			.withMessageContaining("'0 0 * * 7'");
		assertThatIllegalArgumentException().isThrownBy(() -> ScheduleDefinition.of("x", "q", "@every 0s"))
			.withMessageContaining("'@every 0s'");
		assertThatIllegalArgumentException().isThrownBy(() -> ScheduleDefinition.of("x", " ", "@every 1s"))
			.withMessage("queue must not be empty, got ' '");
		assertThatIllegalArgumentException().isThrownBy(() -> ScheduleDefinition.of("", "q", "@every 1s"))
			.withMessage("name must not be empty, got ''");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ScheduleDefinition.of("x", "q", "@every 1s").withMaxAttempts(0))
			.withMessage("maxAttempts must be at least 1, got 0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ScheduleDefinition.of("x", "q", "@every 1s").withExpires(Duration.ofMillis(1500)))
			.withMessageContaining("PT1.5S");
		assertThatIllegalArgumentException().isThrownBy(() -> ScheduleUpdate.change().withExpression("61 * * * *"))
			.withMessageContaining("'61 * * * *'");
		assertThatThrownBy(() -> this.schedules
			.register(ScheduleDefinition.of("x", "q", "@every 1s").withPayload(new Unwritable())))
			.isInstanceOf(HonkerPayloadException.class)
			.hasMessageContaining(Unwritable.class.getName())
			.hasMessageContaining("cannot be read");
		assertThat(this.schedules.list()).isEmpty();
	}

	@Test
	void declaringIsIdempotent() {
		ScheduleDefinition beat = ScheduleDefinition.of("beat", "ticks", "@every 1h").withPayload(Map.of("n", 1));
		assertThat(this.schedules.declare(beat)).isEqualTo(HonkerSchedules.Declared.REGISTERED);
		this.jdbc.update("UPDATE _honker_scheduler_tasks SET next_fire_at = 1000 WHERE name = 'beat'");
		this.schedules.pause("beat");
		assertThat(this.schedules.declare(beat)).isEqualTo(HonkerSchedules.Declared.UNCHANGED);
		Schedule kept = this.schedules.find("beat").get();
		assertThat(kept.nextFireAt().getEpochSecond()).as("missed boundaries stay due").isEqualTo(1000);
		assertThat(kept.enabled()).as("paused stays paused").isFalse();
		assertThat(this.schedules.declare(beat.withPayload(Map.of("n", 2)).withMaxAttempts(7)))
			.isEqualTo(HonkerSchedules.Declared.UPDATED);
		kept = this.schedules.find("beat").get();
		assertThat(kept.nextFireAt().getEpochSecond()).isEqualTo(1000);
		assertThat(kept.payload().get("n").asInt()).isEqualTo(2);
		assertThat(kept.maxAttempts()).isEqualTo(7);
		assertThat(this.schedules.declare(beat.withMaxAttempts(7).withPayload(Map.of("n", 2))))
			.isEqualTo(HonkerSchedules.Declared.UNCHANGED);
		long before = Instant.now().getEpochSecond();
		assertThat(this.schedules.declare(ScheduleDefinition.of("beat", "ticks", "@every 2h")))
			.isEqualTo(HonkerSchedules.Declared.UPDATED);
		kept = this.schedules.find("beat").get();
		assertThat(kept.nextFireAt().getEpochSecond()).as("a new expression starts from now")
			.isGreaterThanOrEqualTo(before + 7200);
		assertThat(this.schedules.declare(ScheduleDefinition.of("beat", "other", "@every 2h")))
			.isEqualTo(HonkerSchedules.Declared.UPDATED);
		assertThat(this.schedules.find("beat").get().queue()).isEqualTo("other");
		assertThat(this.schedules.find("beat").get().enabled()).isFalse();
	}

	/**
	 * Python's {@code Scheduler.add(name=..., queue=..., schedule=every_s(5),
	 * payload={"a": 1})} calls the 7-argument register with {@code json.dumps} text; Java
	 * lists and declares it like its own.
	 */
	@Test
	void readsSchedulesThePythonBindingWrites() {
		this.jdbc.queryForObject("SELECT honker_scheduler_register(?, ?, ?, ?, ?, ?, ?)", Long.class, "py", "jobs",
				"@every 5s", "{\"a\": 1, \"b\": [true, null]}", 0L, null, 3L);
		Schedule python = this.schedules.find("py").get();
		assertThat(python.payload().get("a").asInt()).isEqualTo(1);
		assertThat(python.payload().get("b").get(0).asBoolean()).isTrue();
		assertThat(this.schedules.declare(ScheduleDefinition.of("py", "jobs", "@every 5s")
			.withPayload(Map.of("a", 1, "b", java.util.Arrays.asList(true, null))))).as("same JSON, other spacing")
			.isEqualTo(HonkerSchedules.Declared.UNCHANGED);
		assertThat(
				this.jdbc.queryForObject("SELECT payload FROM _honker_scheduler_tasks WHERE name = 'py'", String.class))
			.isEqualTo("{\"a\": 1, \"b\": [true, null]}");
	}

	/** A bean whose only property fails when read. */
	static class Unwritable {

		public String getSecret() {
			throw new IllegalStateException("cannot be read");
		}

	}

}
