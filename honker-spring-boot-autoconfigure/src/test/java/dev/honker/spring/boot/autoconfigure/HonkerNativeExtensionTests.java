package dev.honker.spring.boot.autoconfigure;

import java.nio.file.Path;
import java.sql.Connection;

import javax.sql.DataSource;

import ch.qos.logback.classic.Level;
import com.zaxxer.hikari.HikariDataSource;
import dev.honker.sqlite.HonkerFunctions;
import dev.honker.sqlite.TestExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code honker.extension.path} through the Spring context, with a native extension
 * compiled by gcc ({@link TestExtension}): it is loaded on every pooled connection
 * instead of the embedded functions, and SQL-level {@code load_extension()} stays off.
 */
class HonkerNativeExtensionTests {

	@TempDir
	Path directory;

	private Path library;

	@BeforeEach
	void buildExtension() throws Exception {
		TestExtension.requireAvailable();
		this.library = TestExtension.build(this.directory);
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, JacksonAutoConfiguration.class,
					HonkerAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.directory.resolve("app.db"),
					"spring.datasource.hikari.maximum-pool-size=2", "honker.extension.path=" + this.library);
	}

	@Test
	void loadsTheNativeExtensionOnEveryPooledConnection() {
		try (LogCapture log = LogCapture.of(HonkerInitializer.class)) {
			runner().run(context -> {
				assertThat(context).hasNotFailed();
				HikariDataSource hikari = context.getBean(HikariDataSource.class);
				assertThat(hikari.getDataSource()).isInstanceOf(HonkerSqliteDataSource.class);
				try (Connection first = hikari.getConnection(); Connection second = hikari.getConnection()) {
					for (Connection connection : new Connection[] { first, second }) {
						assertThat(HonkerFunctions.isRegistered(connection)).isFalse();
						try (var rows = connection.createStatement().executeQuery("SELECT honker_native_probe()")) {
							assertThat(rows.next()).isTrue();
							assertThat(rows.getString(1)).isEqualTo("native");
						}
					}
				}
				assertLoadExtensionIsOff(context);
			});
			assertThat(log.messages(Level.INFO)).singleElement()
				.asString()
				.contains("native extension " + this.library, "bootstrap=startup");
		}
	}

	@Test
	void bootstrapConnectRunsTheNativeBootstrap() {
		runner().withPropertyValues("honker.bootstrap=connect").run(context -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(HikariDataSource.class).getConnectionInitSql())
				.isEqualTo("SELECT honker_bootstrap()");
			assertThat(jdbc(context).queryForObject("SELECT honker_native_probe()", String.class)).isEqualTo("native");
		});
	}

	@Test
	void loadsTheNativeExtensionThroughAWrappedDataSource() {
		runner().withBean(DataSource.class, () -> {
			SQLiteDataSource sqlite = new SQLiteDataSource();
			sqlite.setUrl("jdbc:sqlite:" + this.directory.resolve("own.db"));
			return sqlite;
		}).run(context -> {
			assertThat(context.getBean(DataSource.class)).isInstanceOf(HonkerDataSource.class);
			assertThat(jdbc(context).queryForObject("SELECT honker_native_probe()", String.class)).isEqualTo("native");
			assertLoadExtensionIsOff(context);
		});
	}

	@Test
	void refusesAnEntryPointTheLibraryDoesNotHave() {
		runner().withPropertyValues("honker.extension.entry-point=sqlite3_other_init").run(context -> {
			assertThat(context).hasFailed();
			var analysis = new HonkerConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("honker.extension.path=" + this.library.toAbsolutePath(),
					"sqlite3_other_init");
			assertThat(analysis.getAction()).contains("honker.extension.entry-point");
		});
	}

	private void assertLoadExtensionIsOff(AssertableApplicationContext context) {
		assertThatExceptionOfType(UncategorizedSQLException.class).isThrownBy(
				() -> jdbc(context).queryForObject("SELECT load_extension(?)", String.class, this.library.toString()))
			.withMessageContaining("not authorized");
	}

	private static JdbcTemplate jdbc(AssertableApplicationContext context) {
		return new JdbcTemplate(context.getBean(DataSource.class));
	}

}
