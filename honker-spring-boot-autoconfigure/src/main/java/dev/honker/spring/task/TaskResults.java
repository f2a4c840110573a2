package dev.honker.spring.task;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;

import org.springframework.dao.DataAccessResourceFailureException;

import dev.honker.spring.core.HonkerPayloadException;
import dev.honker.spring.watch.DatabaseWatcher;
import dev.honker.spring.watch.Subscription;

/**
 * Reads the outcome of task calls: the stored result ({@code honker_result_get}) or the
 * dead job's error. Reads run on a connection of their own in auto-commit, never in the
 * caller's transaction, whose snapshot would never see the worker's commit; waits are
 * woken by the commit watcher.
 */
final class TaskResults {

	private final DataSource dataSource;

	private final ObjectMapper mapper;

	private final Supplier<DatabaseWatcher> watcher;

	TaskResults(DataSource dataSource, ObjectMapper mapper, Supplier<DatabaseWatcher> watcher) {
		this.dataSource = dataSource;
		this.mapper = mapper;
		this.watcher = watcher;
	}

	/** The outcome of a call so far. */
	<R> Outcome<R> read(String task, long jobId, JavaType type) {
		try (Connection connection = this.dataSource.getConnection()) {
			String json = text(connection, "SELECT honker_result_get(?)", jobId);
			if (json != null) {
				return new Outcome<>(true, value(task, jobId, json, type));
			}
			String deadError = text(connection, "SELECT coalesce(last_error, '') FROM _honker_dead WHERE id = ?",
					jobId);
			if (deadError != null) {
				throw new TaskFailedException(task, jobId, deadError);
			}
			return new Outcome<>(false, null);
		}
		catch (SQLException ex) {
			throw new DataAccessResourceFailureException(
					"cannot read the result of task '" + task + "' (job " + jobId + "): " + ex.getMessage(), ex);
		}
	}

	/** Waits for the result, re-reading after every commit the watcher sees. */
	<R> @Nullable R await(String task, long jobId, JavaType type, Duration timeout) {
		Instant deadline = Instant.now().plus(timeout);
		try (Subscription subscription = this.watcher.get().subscribe()) {
			while (true) {
				Outcome<R> outcome = read(task, jobId, type);
				if (outcome.found()) {
					return outcome.value();
				}
				if (!Instant.now().isBefore(deadline)) {
					throw new TaskTimeoutException(task, jobId, timeout);
				}
				subscription.await(deadline, timeout);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new TaskTimeoutException(task, jobId, timeout);
		}
	}

	private <R> @Nullable R value(String task, long jobId, String json, JavaType type) {
		try {
			return this.mapper.readValue(json, type);
		}
		catch (JacksonException ex) {
			throw new HonkerPayloadException("Cannot read the result of task '" + task + "' (job " + jobId + ") as "
					+ type.toCanonical() + ": " + ex.getOriginalMessage(), ex);
		}
	}

	private static String text(Connection connection, String sql, long jobId) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setLong(1, jobId);
			try (ResultSet row = statement.executeQuery()) {
				return row.next() ? row.getString(1) : null;
			}
		}
	}

	/** Whether a result was stored, and its value ({@code null} for JSON null). */
	record Outcome<R>(boolean found, @Nullable R value) {
	}

}
