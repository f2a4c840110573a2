package dev.honker.spring.boot.autoconfigure;

import java.nio.file.Path;

import javax.sql.DataSource;

import dev.honker.spring.core.HonkerTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code honker.bootstrap=none} with the schema created by a real Flyway migration that
 * calls {@code SELECT honker_bootstrap();} (see {@code src/test/resources/db/honker}).
 */
class HonkerFlywayTests {

	@TempDir
	Path directory;

	@Test
	void aFlywayMigrationCreatesTheSchemaWhenBootstrapIsNone() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class,
					JacksonAutoConfiguration.class, HonkerAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.directory.resolve("app.db"),
					"honker.bootstrap=none", "spring.flyway.locations=classpath:db/honker")
			.run(context -> {
				assertThat(context).hasNotFailed();
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				assertThat(jdbc.queryForList(
						"SELECT script FROM flyway_schema_history WHERE success = 1 ORDER BY installed_rank",
						String.class))
					.containsExactly("V1__honker_schema.sql", "V2__orders.sql");
				assertThat(jdbc.queryForList("SELECT name FROM sqlite_master WHERE type = 'table'", String.class))
					.contains("_honker_live", "_honker_dead", "_honker_notifications", "_honker_results");
				long id = context.getBean(HonkerTemplate.class).enqueue("emails", "welcome");
				assertThat(jdbc.queryForObject("SELECT payload FROM _honker_live WHERE id = ?", String.class, id))
					.isEqualTo("\"welcome\"");
			});
	}

}
