package dev.honker.spring.listener;

import static org.assertj.core.api.Assertions.assertThat;

import org.springframework.jdbc.core.JdbcTemplate;
import com.zaxxer.hikari.HikariDataSource;

/**
 * A database of a test PostgreSQL server for {@link WorkerMain} JVMs in the modes
 * {@code effect} and {@code block}: Honker's schema, and the tables their handlers write,
 * {@code effects (job_id, attempt, pid)} and {@code started (job_id, pid)}. Close it
 * after the test.
 */
final class PostgresWorkerDatabase implements AutoCloseable {

	private final HikariDataSource pool;

	private final JdbcTemplate jdbc;

	/** Bootstraps Honker's schema on the database at {@code url} and adds the tables. */
	PostgresWorkerDatabase(String url) {
		this.pool = PostgresTestPool.pool(url);
		this.jdbc = new JdbcTemplate(this.pool);
		this.jdbc
			.execute("CREATE TABLE effects (job_id BIGINT NOT NULL, attempt BIGINT NOT NULL, pid BIGINT NOT NULL)");
		this.jdbc.execute("CREATE TABLE started (job_id BIGINT NOT NULL, pid BIGINT NOT NULL)");
	}

	/**
	 * Enqueues jobs {@code {"n": from}} to {@code {"n": from + count - 1}}, one
	 * statement.
	 */
	void enqueue(String queue, int from, int count) {
		this.jdbc.queryForObject("SELECT count(honker_enqueue(?, '{\"n\":' || n || '}', NULL, NULL, 0, 3, NULL))"
				+ " FROM generate_series(?, ?) AS n", Long.class, queue, from, from + count - 1);
	}

	/** The value of a {@code count(*)} query. */
	long count(String sql) {
		Long value = this.jdbc.queryForObject(sql, Long.class);
		return (value != null) ? value : 0;
	}

	/**
	 * Asserts that the workers' handlers ran each of {@code jobs} jobs exactly once, all
	 * on their first attempt, none dead, and that each of {@code workers} JVMs took some.
	 */
	void assertEachJobRanOnceOnItsFirstAttempt(int jobs, int workers) {
		assertThat(count("SELECT count(*) FROM effects")).isEqualTo(jobs);
		assertThat(count("SELECT count(DISTINCT job_id) FROM effects")).isEqualTo(jobs);
		assertThat(count("SELECT count(*) FROM effects WHERE attempt <> 1")).isZero();
		assertThat(count("SELECT count(*) FROM _honker_dead")).isZero();
		assertThat(count("SELECT count(DISTINCT pid) FROM effects")).as("every worker took jobs").isEqualTo(workers);
	}

	/** The template on the database, for other queries. */
	JdbcTemplate jdbc() {
		return this.jdbc;
	}

	@Override
	public void close() {
		this.pool.close();
	}

}
