package dev.honker.spring.core;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trace context table read as a listener reads it: the rows of a batch of claimed
 * jobs in one query on the claim's connection, parsed later.
 */
class JobTraceContextsTests {

	@TempDir
	Path directory;

	@Test
	void findAllReadsTheRowsOfTheGivenJobsOnTheCallersConnection() {
		TemplateContexts.runner(this.directory.resolve("app.db")).run(context -> {
			DataSource dataSource = context.getBean(DataSource.class);
			JobTraceContexts contexts = new JobTraceContexts(dataSource, JsonMapper.shared());
			contexts.createTable();
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			jdbc.update("INSERT INTO " + JobTraceContexts.TABLE + " VALUES (?, ?, ?)", 7,
					"{\"traceparent\":\"00-6b14c99707dfb912ee956eabd7b7c67f-7d05022a1ec4ad8a-01\"}",
					1_700_000_000_123L);
			jdbc.update("INSERT INTO " + JobTraceContexts.TABLE + " VALUES (?, ?, ?)", 9, "{\"b3\":\"1-2-1\"}", 5L);
			try (Connection connection = dataSource.getConnection()) {
				Map<Long, JobTraceContexts.Row> rows = contexts.findAll(connection, List.of(7L, 8L, 9L));
				assertThat(rows).containsOnlyKeys(7L, 9L);
				JobTraceContexts.StoredContext stored = contexts.parse(rows.get(7L));
				assertThat(stored.entries()).containsExactly(
						Map.entry("traceparent", "00-6b14c99707dfb912ee956eabd7b7c67f-7d05022a1ec4ad8a-01"));
				assertThat(stored.enqueuedAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
				assertThat(contexts.findAll(connection, List.of())).isEmpty();
				assertThat(contexts.findAll(connection, List.of(8L))).isEmpty();
			}
		});
	}

	@Test
	void findAllReadsCloseAndScatteredIdsAlikeAndOnlyTheRowsOfTheGivenJobs() {
		TemplateContexts.runner(this.directory.resolve("app.db")).run(context -> {
			DataSource dataSource = context.getBean(DataSource.class);
			JobTraceContexts contexts = new JobTraceContexts(dataSource, JsonMapper.shared());
			contexts.createTable();
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			for (long id : new long[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1_000, 1_000_000 }) {
				jdbc.update("INSERT INTO " + JobTraceContexts.TABLE + " VALUES (?, ?, ?)", id,
						"{\"b3\":\"" + id + "\"}", id);
			}
			try (Connection connection = dataSource.getConnection()) {
				assertThat(contexts.findAll(connection, List.of(6L, 2L, 4L))).as("close ids, others between them")
					.containsOnlyKeys(2L, 4L, 6L)
					.hasEntrySatisfying(4L, row -> assertThat(row.context()).isEqualTo("{\"b3\":\"4\"}"));
				assertThat(contexts.findAll(connection, List.of(10L, 11L, 12L))).as("close ids at the end")
					.containsOnlyKeys(10L);
				assertThat(contexts.findAll(connection, List.of(1L, 1_000L, 999_999L, 1_000_000L))).as("scattered ids")
					.containsOnlyKeys(1L, 1_000L, 1_000_000L);
				assertThat(contexts.findAll(connection, List.of(9L, 1_000L))).as("two ids far apart")
					.containsOnlyKeys(9L, 1_000L);
			}
		});
	}

	@Test
	void findAllPreparesItsReadOncePerConnectionAndSeesRowsWrittenSince() {
		TemplateContexts.runner(this.directory.resolve("app.db")).run(context -> {
			DataSource dataSource = context.getBean(DataSource.class);
			JobTraceContexts contexts = new JobTraceContexts(dataSource, JsonMapper.shared());
			contexts.createTable();
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			for (long id = 1; id <= 3; id++) {
				try (Connection connection = dataSource.getConnection()) {
					assertThat(contexts.findAll(connection, List.of(id))).as("job %d before its row", id).isEmpty();
				}
				jdbc.update("INSERT INTO " + JobTraceContexts.TABLE + " VALUES (?, ?, ?)", id, "{\"b3\":\"1-2-1\"}",
						id);
				try (Connection connection = dataSource.getConnection()) {
					connection.setAutoCommit(false);
					assertThat(contexts.findAll(connection, List.of(1L, 2L, 3L)).keySet()).as("after job %d's row", id)
						.hasSize((int) id);
					connection.commit();
				}
			}
		});
	}

}
