package dev.honker.spring.test;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.honker.postgres.PostgresTestServer;

/**
 * {@link HonkerTestSupport} on PostgreSQL: the application's URL points at a fresh
 * database of the tests' PostgreSQL server.
 */
@SpringBootTest(classes = TestApplication.class)
class PostgresHonkerTestSupportTests extends HonkerTestSupportContract {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		String url = PostgresTestServer.get().createDatabase();
		registry.add("spring.datasource.url", () -> url);
	}

	@Test
	void theRecordingLivesInHonkersSchema() {
		JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
		assertThat(jdbc.queryForObject("SELECT version()", String.class)).startsWith("PostgreSQL");
		assertThat(jdbc.queryForObject("SELECT to_regclass('honker._honker_test_enqueued') IS NOT NULL", Boolean.class))
			.isTrue();
		assertThat(jdbc.queryForObject("SELECT count(*) FROM pg_trigger WHERE tgname = '_honker_test_capture'",
				Long.class))
			.isOne();
	}

}
