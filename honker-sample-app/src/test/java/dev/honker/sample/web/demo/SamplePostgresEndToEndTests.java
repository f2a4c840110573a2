package dev.honker.sample.web.demo;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.honker.postgres.PostgresTestServer;
import dev.honker.sample.web.WebApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample on PostgreSQL, with its {@code postgres} profile, as the README describes
 * it: the web app and the worker app share a database of the tests' PostgreSQL server,
 * and the worker is woken through {@code LISTEN}/{@code NOTIFY}.
 */
@SpringBootTest(classes = WebApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("postgres")
class SamplePostgresEndToEndTests extends SampleEndToEndContract {

	private static String url;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		url = PostgresTestServer.get().createDatabase();
		registry.add("spring.datasource.url", () -> url);
		registry.add("spring.datasource.username", () -> PostgresTestServer.USER);
	}

	@Test
	void theWebAppRunsOnPostgresql() {
		assertThat(this.jdbc.sql("SELECT version()").query(String.class).single()).startsWith("PostgreSQL");
	}

	@Override
	List<String> workerArguments() {
		return List.of("--spring.profiles.active=postgres", "--spring.datasource.url=" + url,
				"--spring.datasource.username=" + PostgresTestServer.USER);
	}

}
