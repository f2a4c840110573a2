package dev.honker.spring.stream;

import java.sql.Connection;
import java.util.Objects;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.honker.spring.core.HonkerDialect;
import dev.honker.spring.core.StreamEvent;

/**
 * The table {@code honker_stream_skipped}, where consumers with
 * {@link StreamFailureAction#SKIP} record the events they gave up on: consumer, topic,
 * offset, key, payload, the last error, and when. It is this starter's own table, not
 * part of the Honker schema; it is created the first time a consumer that skips starts.
 * Replay a skipped event by reading it back and handling it, then delete its row.
 */
public class SkippedEvents {

	/** The table's name. */
	public static final String TABLE = "honker_stream_skipped";

	private final JdbcTemplate jdbc;

	/**
	 * Creates the recorder.
	 * @param jdbc runs on the application's DataSource, joining its transactions
	 */
	public SkippedEvents(JdbcTemplate jdbc) {
		this.jdbc = Objects.requireNonNull(jdbc, "jdbc must not be null");
	}

	void createTable() {
		HonkerDialect dialect = this.jdbc.execute((Connection connection) -> HonkerDialect.of(connection));
		String integer = (dialect == HonkerDialect.POSTGRESQL) ? "BIGINT" : "INTEGER";
		this.jdbc.execute("""
				CREATE TABLE IF NOT EXISTS honker_stream_skipped (
				  consumer TEXT NOT NULL,
				  topic TEXT NOT NULL,
				  "offset" %1$s NOT NULL,
				  key TEXT,
				  payload TEXT NOT NULL,
				  error TEXT NOT NULL,
				  skipped_at %1$s NOT NULL DEFAULT (%2$s),
				  PRIMARY KEY (consumer, topic, "offset")
				)""".formatted(integer, dialect.now()));
	}

	void record(String consumer, StreamEvent event, Throwable error) {
		String message = (error.getMessage() != null) ? error.getClass().getName() + ": " + error.getMessage()
				: error.getClass().getName();
		this.jdbc.update(
				"INSERT INTO honker_stream_skipped (consumer, topic, \"offset\", key, payload, error)"
						+ " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (consumer, topic, \"offset\") DO UPDATE SET"
						+ " key = excluded.key, payload = excluded.payload, error = excluded.error,"
						+ " skipped_at = excluded.skipped_at",
				consumer, event.topic(), event.offset(), event.key(), event.payload(), message);
	}

}
