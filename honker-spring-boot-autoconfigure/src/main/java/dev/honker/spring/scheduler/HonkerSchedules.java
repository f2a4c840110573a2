package dev.honker.spring.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.Assert;

import dev.honker.spring.core.HonkerExceptionTranslator;
import dev.honker.spring.core.HonkerPayloadException;

/**
 * Registers, changes, pauses and lists schedules: rows of Honker's
 * {@code _honker_scheduler_tasks} table, through the {@code honker_scheduler_*} SQL
 * functions. A schedule enqueues a job on its queue at every boundary of its expression;
 * the scheduler leader (one process per database file, in any language) fires them.
 *
 * <p>
 * Like {@code HonkerTemplate}, every call runs on the connection bound to the current
 * Spring transaction, so it commits and rolls back with the caller's own writes; outside
 * a transaction each call commits on its own. Invalid arguments (an empty name, an
 * invalid expression) fail with an {@link IllegalArgumentException} before anything is
 * written; an error inside a function becomes a
 * {@link dev.honker.spring.core.HonkerFunctionException}.
 *
 * <p>
 * Schedules are shared by every process on the file: a Python {@code Scheduler.add} and
 * {@link #register} write the same rows, and {@link #list} shows both.
 */
public class HonkerSchedules {

	private final JdbcTemplate jdbc;

	private final ObjectMapper mapper;

	/**
	 * Creates the API on a DataSource whose connections have the Honker functions.
	 * @param dataSource the application's SQLite DataSource
	 * @param mapper writes payloads and reads the listed ones
	 */
	public HonkerSchedules(DataSource dataSource, ObjectMapper mapper) {
		Assert.notNull(dataSource, "dataSource must not be null");
		Assert.notNull(mapper, "mapper must not be null");
		this.jdbc = new JdbcTemplate(dataSource);
		this.jdbc.setExceptionTranslator(new HonkerExceptionTranslator(this.jdbc.getExceptionTranslator()));
		this.mapper = mapper;
	}

	/**
	 * Registers a schedule, or replaces the one of the same name. Its next boundary is
	 * the first one after now. A paused schedule stays paused.
	 * @param schedule the schedule
	 */
	public void register(ScheduleDefinition schedule) {
		Assert.notNull(schedule, "schedule must not be null");
		String payload = json(schedule.payload());
		this.jdbc.queryForObject("SELECT honker_scheduler_register(?, ?, ?, ?, ?, ?, ?)", Long.class, schedule.name(),
				schedule.queue(), schedule.expression(), payload, (long) schedule.priority(),
				seconds(schedule.expires()), (long) schedule.maxAttempts());
	}

	/**
	 * Changes some fields of a schedule and leaves the others as they are.
	 * @param name the schedule's name
	 * @param change the fields to change
	 * @return {@code true} if the schedule exists and was changed; {@code false} if it
	 * does not exist or {@code change} changes nothing
	 */
	public boolean update(String name, ScheduleUpdate change) {
		Arguments.requireName("name", name);
		Assert.notNull(change, "change must not be null");
		if (change.isEmpty()) {
			return false;
		}
		String payload = change.payloadChanged() ? json(change.payload()) : null;
		Long priority = change.priority() != null ? (long) change.priority() : null;
		Long maxAttempts = change.maxAttempts() != null ? (long) change.maxAttempts() : null;
		return this.jdbc.queryForObject("SELECT honker_scheduler_update(?, ?, ?, ?, ?, ?, ?, ?)", Long.class, name,
				change.expression(), payload, priority, seconds(change.expires()), change.expiresChanged() ? 1L : 0L,
				maxAttempts, maxAttempts != null ? 1L : 0L) == 1;
	}

	/**
	 * Deletes a schedule; jobs it already fired stay queued.
	 * @param name the schedule's name
	 * @return whether it existed
	 */
	public boolean unregister(String name) {
		Arguments.requireName("name", name);
		return this.jdbc.queryForObject("SELECT honker_scheduler_unregister(?)", Long.class, name) == 1;
	}

	/**
	 * Stops a schedule from firing; its boundaries keep passing.
	 * @param name the schedule's name
	 * @return {@code true} if it was running and is now paused; {@code false} if it does
	 * not exist or was already paused
	 */
	public boolean pause(String name) {
		Arguments.requireName("name", name);
		return this.jdbc.queryForObject("SELECT honker_scheduler_pause(?)", Long.class, name) == 1;
	}

	/**
	 * Lets a paused schedule fire again. Boundaries that passed while it was paused are
	 * fired by the next tick, up to 64 of them, as in Honker 0.4.
	 * @param name the schedule's name
	 * @return {@code true} if it was paused and now runs; {@code false} if it does not
	 * exist or was not paused
	 */
	public boolean resume(String name) {
		Arguments.requireName("name", name);
		return this.jdbc.queryForObject("SELECT honker_scheduler_resume(?)", Long.class, name) == 1;
	}

	/**
	 * Every schedule on the database file, by name.
	 * @return the schedules
	 */
	public List<Schedule> list() {
		String json = this.jdbc.queryForObject("SELECT honker_scheduler_list()", String.class);
		List<Schedule> schedules = new ArrayList<>();
		for (JsonNode row : this.mapper.readTree(json)) {
			JsonNode expires = row.get("expires_s");
			schedules.add(new Schedule(row.get("name").asString(), row.get("queue").asString(),
					row.get("cron_expr").asString(), payload(row.get("payload").asString()),
					row.get("priority").asLong(),
					(expires == null || expires.isNull()) ? null : Duration.ofSeconds(expires.asLong()),
					row.get("max_attempts").asLong(), Instant.ofEpochSecond(row.get("next_fire_at").asLong()),
					row.get("enabled").asBoolean()));
		}
		return schedules;
	}

	/**
	 * One schedule.
	 * @param name the schedule's name
	 * @return the schedule, or empty if there is none of that name
	 */
	public Optional<Schedule> find(String name) {
		Arguments.requireName("name", name);
		return list().stream().filter(schedule -> schedule.name().equals(name)).findFirst();
	}

	/**
	 * Registers a schedule the application declares at startup, idempotently: a missing
	 * schedule is registered; an existing one with the same queue is changed only in the
	 * fields that differ, so an unchanged schedule keeps its next boundary (and fires the
	 * boundaries missed while no process ran, up to 64) and a paused one stays paused. A
	 * changed expression moves the next boundary to the first one after now; a changed
	 * queue re-registers the schedule.
	 * @param schedule the declared schedule
	 * @return what was done
	 */
	public Declared declare(ScheduleDefinition schedule) {
		Assert.notNull(schedule, "schedule must not be null");
		Optional<Schedule> existing = find(schedule.name());
		if (existing.isEmpty()) {
			register(schedule);
			return Declared.REGISTERED;
		}
		Schedule current = existing.get();
		if (!current.queue().equals(schedule.queue())) {
			register(schedule);
			return Declared.UPDATED;
		}
		ScheduleUpdate change = ScheduleUpdate.change();
		if (!current.expression().equals(schedule.expression())) {
			change = change.withExpression(schedule.expression());
		}
		if (!current.payload().equals(payload(json(schedule.payload())))) {
			change = change.withPayload(schedule.payload());
		}
		if (current.priority() != schedule.priority()) {
			change = change.withPriority(schedule.priority());
		}
		if (!Objects.equals(current.expires(), schedule.expires())) {
			change = change.withExpires(schedule.expires());
		}
		if (current.maxAttempts() != schedule.maxAttempts()) {
			change = change.withMaxAttempts(schedule.maxAttempts());
		}
		return update(schedule.name(), change) ? Declared.UPDATED : Declared.UNCHANGED;
	}

	/** What {@link #declare} did. */
	public enum Declared {

		/** The schedule did not exist and was registered. */
		REGISTERED,
		/** The schedule existed with other settings and was changed. */
		UPDATED,
		/** The schedule existed with the same settings and was left alone. */
		UNCHANGED

	}

	/** The payload as JSON text, failing before anything is written. */
	String json(@Nullable Object payload) {
		try {
			return this.mapper.writeValueAsString(payload);
		}
		catch (JacksonException ex) {
			throw new HonkerPayloadException("Cannot write schedule payload of type " + payload.getClass().getName()
					+ " as JSON: " + ex.getOriginalMessage(), ex);
		}
	}

	/** A stored payload; text another binding wrote that is not JSON stays a string. */
	JsonNode payload(String json) {
		try {
			return this.mapper.readTree(json);
		}
		catch (JacksonException ex) {
			return this.mapper.getNodeFactory().stringNode(json);
		}
	}

	private static @Nullable Long seconds(@Nullable Duration duration) {
		return duration != null ? duration.getSeconds() : null;
	}

}
