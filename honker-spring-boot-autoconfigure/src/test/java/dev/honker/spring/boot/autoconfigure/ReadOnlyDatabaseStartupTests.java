package dev.honker.spring.boot.autoconfigure;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Startup fails, through the failure analyzer, when SQLite can only read the database
 * file, instead of starting listeners that fail on every write.
 */
class ReadOnlyDatabaseStartupTests {

	@TempDir
	Path directory;

	@Test
	void aDatabaseSqliteOpensReadOnlyStopsStartupWithAnAction() throws SQLException {
		Path file = this.directory.resolve("app.db");
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
				Statement statement = connection.createStatement()) {
			statement.execute("PRAGMA journal_mode = WAL");
			statement.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY)");
		}
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, JacksonAutoConfiguration.class,
					HonkerAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:sqlite:file:" + file + "?mode=ro")
			.run(context -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new HonkerConfigurationFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
				assertThat(analysis.getDescription()).contains("cannot write the database file", file.toString(),
						"read-only", "SQLITE_READONLY");
				assertThat(analysis.getAction()).contains("write access to " + file,
						"user '" + System.getProperty("user.name") + "'");
			});
	}

}
