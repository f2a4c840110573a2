package dev.honker.spring.boot.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;

import javax.sql.DataSource;

import ch.qos.logback.classic.Level;
import com.zaxxer.hikari.HikariDataSource;
import dev.honker.spring.core.HonkerFunctionException;
import dev.honker.spring.core.HonkerStats;
import dev.honker.spring.core.HonkerTemplate;
import dev.honker.sqlite.HonkerFunctions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every condition and property of {@link HonkerAutoConfiguration}, on real SQLite files
 * and real HikariCP pools.
 */
class HonkerAutoConfigurationTests {

	@TempDir
	Path directory;

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
				JdbcTemplateAutoConfiguration.class, JacksonAutoConfiguration.class, HonkerAutoConfiguration.class));

	private String url() {
		return "jdbc:sqlite:" + this.directory.resolve("app.db");
	}

	private ApplicationContextRunner sqlite() {
		return this.runner.withPropertyValues("spring.datasource.url=" + url());
	}

	@Test
	void installsFunctionsInBootsHikariPoolAndCreatesTheSchemaAtStartup() {
		sqlite().run(context -> {
			assertThat(context).hasNotFailed().hasSingleBean(HonkerTemplate.class);
			HikariDataSource hikari = context.getBean(HikariDataSource.class);
			assertThat(hikari.getDataSource()).isInstanceOf(HonkerSqliteDataSource.class);
			assertThat(hikari.getJdbcUrl()).isEqualTo(url());
			assertThat(SqliteUrl.of(hikari)).isEqualTo(url());
			try (Connection connection = hikari.getConnection()) {
				assertThat(HonkerFunctions.isRegistered(connection)).isTrue();
			}
			assertThat(tables(context)).contains("_honker_live", "_honker_dead", "_honker_notifications");
			assertThat(indexes(context)).contains(HonkerStats.DEAD_QUEUE_INDEX_NAME);
			long id = context.getBean(HonkerTemplate.class).enqueue("emails", "hello");
			assertThat(jdbc(context).queryForObject("SELECT payload FROM _honker_live WHERE id = ?", String.class, id))
				.isEqualTo("\"hello\"");
		});
	}

	@Test
	void keepsTheUsersDataSourcePropertiesAndPoolSettings() {
		sqlite()
			.withPropertyValues("spring.datasource.hikari.data-source-properties.busy_timeout=4321",
					"spring.datasource.hikari.data-source-properties.journal_mode=WAL",
					"spring.datasource.hikari.maximum-pool-size=3", "spring.datasource.hikari.pool-name=orders-pool")
			.run(context -> {
				HikariDataSource hikari = context.getBean(HikariDataSource.class);
				assertThat(hikari.getMaximumPoolSize()).isEqualTo(3);
				assertThat(hikari.getPoolName()).isEqualTo("orders-pool");
				assertThat(pragma(context, "busy_timeout")).isEqualTo("4321");
				assertThat(pragma(context, "journal_mode")).isEqualTo("wal");
			});
	}

	@Test
	void usersConnectionInitSqlRunsAfterTheFunctionsAreInstalled() {
		sqlite()
			.withPropertyValues("spring.datasource.hikari.connection-init-sql=SELECT honker_bootstrap()",
					"honker.bootstrap=none")
			.run(context -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(HikariDataSource.class).getConnectionInitSql())
					.isEqualTo("SELECT honker_bootstrap()");
				assertThat(tables(context)).contains("_honker_live");
			});
	}

	@Test
	void bootstrapConnectUsesHikarisConnectionInitSql() {
		sqlite().withPropertyValues("honker.bootstrap=connect").run(context -> {
			assertThat(context.getBean(HikariDataSource.class).getConnectionInitSql())
				.isEqualTo(HonkerConnectionSetup.BOOTSTRAP_SQL);
			assertThat(tables(context)).contains("_honker_live");
			assertThat(indexes(context)).contains(HonkerStats.DEAD_QUEUE_INDEX_NAME);
		});
	}

	@Test
	void bootstrapConnectRunsBeforeTheUsersOwnConnectionInitSql() {
		sqlite()
			.withPropertyValues("honker.bootstrap=connect",
					"spring.datasource.hikari.connection-init-sql=SELECT notify('connected', '\"yes\"')")
			.run(context -> {
				assertThat(context).hasNotFailed();
				HikariDataSource hikari = context.getBean(HikariDataSource.class);
				assertThat(hikari.getConnectionInitSql()).isEqualTo("SELECT notify('connected', '\"yes\"')");
				assertThat(hikari.getDataSource()).isInstanceOf(HonkerSqliteDataSource.class);
				assertThat(jdbc(context).queryForObject(
						"SELECT count(*) FROM _honker_notifications WHERE channel = 'connected'", Long.class))
					.isGreaterThanOrEqualTo(1);
			});
	}

	@Test
	void bootstrapNoneLeavesTheSchemaToTheApplication() {
		sqlite().withPropertyValues("honker.bootstrap=none").run(context -> {
			assertThat(context).hasNotFailed();
			assertThat(tables(context)).doesNotContain("_honker_live");
			assertThat(context.getBean(HikariDataSource.class).getConnectionInitSql()).isNull();
			assertThatExceptionOfType(HonkerFunctionException.class)
				.isThrownBy(() -> context.getBean(HonkerTemplate.class).enqueue("emails", "hi"))
				.satisfies(ex -> assertThat(ex.getFunctionName()).isEqualTo("honker_enqueue"))
				.withMessageContaining("no such table: _honker_live")
				.withMessageContaining("honker_bootstrap()");
		});
	}

	@Test
	void setsTheOptInPragmasOnEveryConnection() {
		sqlite().withPropertyValues("honker.sqlite.journal-mode=wal", "honker.sqlite.busy-timeout=2500ms")
			.run(context -> {
				assertThat(pragma(context, "journal_mode")).isEqualTo("wal");
				assertThat(pragma(context, "busy_timeout")).isEqualTo("2500");
			});
	}

	@Test
	void leavesThePragmasAloneByDefault() {
		sqlite().run(context -> {
			assertThat(pragma(context, "journal_mode")).isEqualTo("delete");
			assertThat(pragma(context, "busy_timeout")).isEqualTo("3000");
		});
	}

	@Test
	void logsOneInfoLineAndWarnsOnceWhenNotInWalMode() {
		try (LogCapture log = LogCapture.of(HonkerInitializer.class)) {
			sqlite().run(context -> assertThat(context).hasNotFailed());
			assertThat(log.messages(Level.WARN)).singleElement()
				.asString()
				.contains("journal_mode=delete", "not WAL", "SQLITE_BUSY", "honker.sqlite.journal-mode=WAL");
			assertThat(log.messages(Level.INFO)).singleElement()
				.asString()
				.contains("embedded Java functions", this.directory.resolve("app.db").toString(), "journal_mode=delete",
						"bootstrap=startup");
		}
	}

	@Test
	void doesNotWarnInWalMode() {
		try (LogCapture log = LogCapture.of(HonkerInitializer.class)) {
			sqlite().withPropertyValues("honker.sqlite.journal-mode=WAL", "honker.bootstrap=none")
				.run(context -> assertThat(context).hasNotFailed());
			assertThat(log.messages(Level.WARN)).isEmpty();
			assertThat(log.messages(Level.INFO)).singleElement()
				.asString()
				.contains("journal_mode=wal", "bootstrap=none", "migrations");
		}
	}

	@Test
	void runsBeforeBeansThatDependOnDatabaseInitialization() {
		sqlite().run(context -> assertThat(context.getBeanFactory().getBeanDefinition("jdbcTemplate").getDependsOn())
			.contains("honkerInitializer"));
	}

	@Test
	void backsOffWhenHonkerIsDisabled() {
		sqlite().withPropertyValues("honker.enabled=false").run(context -> {
			assertThat(context).hasNotFailed()
				.doesNotHaveBean(HonkerTemplate.class)
				.doesNotHaveBean(HonkerInitializer.class);
			assertThat(context.getBean(HikariDataSource.class).getDataSource()).isNull();
		});
	}

	@Test
	void backsOffWithoutSqliteJdbc() {
		this.runner.withClassLoader(new FilteredClassLoader("org.sqlite"))
			.withBean(DataSource.class, this::unstartedHikari)
			.run(context -> {
				assertThat(context).hasNotFailed()
					.doesNotHaveBean(HonkerTemplate.class)
					.doesNotHaveBean(HonkerDataSourcePostProcessor.class);
				assertThat(context.getBean(HikariDataSource.class).getDataSource()).isNull();
			});
	}

	@Test
	void backsOffWithoutJackson() {
		sqlite().withClassLoader(new FilteredClassLoader(JsonMapper.class)).run(context -> {
			assertThat(context).hasNotFailed()
				.doesNotHaveBean(HonkerTemplate.class)
				.hasSingleBean(HonkerInitializer.class);
		});
	}

	@Test
	void backsOffWithOneDebugLineForANonSqliteUrl() {
		try (LogCapture log = LogCapture.of(HonkerAutoConfiguration.class)) {
			this.runner.withPropertyValues("spring.datasource.url=jdbc:mysql://db.example:3306/orders?password=secret")
				.withBean(DataSource.class, this::plainSqlite)
				.run(context -> {
					assertThat(context).hasNotFailed()
						.doesNotHaveBean(HonkerTemplate.class)
						.doesNotHaveBean(HonkerInitializer.class);
					assertThat(context.getBean(DataSource.class)).isInstanceOf(SQLiteDataSource.class);
				});
			assertThat(log.messages(Level.DEBUG)).singleElement()
				.asString()
				.isEqualTo("Honker is off: spring.datasource.url is jdbc:mysql, not jdbc:sqlite: or jdbc:postgresql:");
		}
	}

	@Test
	void leavesAUserDataSourceOfAnotherDatabaseAloneWithoutConnecting() {
		try (LogCapture log = LogCapture.of(HonkerInitializer.class)) {
			this.runner.withBean(DataSource.class, () -> {
				HikariDataSource hikari = new HikariDataSource();
				hikari.setJdbcUrl("jdbc:mysql://db.example:3306/orders");
				return hikari;
			}).run(context -> {
				assertThat(context).hasNotFailed();
				HikariDataSource hikari = context.getBean(HikariDataSource.class);
				assertThat(hikari.getDataSource()).isNull();
				assertThat(hikari.getHikariPoolMXBean()).as("pool never started").isNull();
			});
			assertThat(log.messages(Level.DEBUG)).singleElement()
				.asString()
				.isEqualTo("Honker is off: the DataSource is jdbc:mysql, not jdbc:sqlite: or jdbc:postgresql:");
		}
	}

	@Test
	void failsWhenForcedOnForANonSqliteDataSource() {
		this.runner.withPropertyValues("honker.enabled=true").withBean(DataSource.class, () -> {
			HikariDataSource hikari = new HikariDataSource();
			hikari.setJdbcUrl("jdbc:mysql://db.example:3306/orders");
			return hikari;
		}).run(context -> {
			FailureAnalysis analysis = analyze(context);
			assertThat(analysis.getDescription())
				.contains("honker.enabled=true", "neither SQLite nor PostgreSQL", "jdbc:mysql")
				.doesNotContain("db.example");
			assertThat(analysis.getAction()).contains("jdbc:sqlite:", "honker.enabled=true");
		});
	}

	@Test
	void wrapsAUserDefinedSqliteDataSource() {
		this.runner.withBean(DataSource.class, this::plainSqlite).run(context -> {
			assertThat(context).hasNotFailed();
			DataSource dataSource = context.getBean(DataSource.class);
			assertThat(dataSource).isInstanceOf(HonkerDataSource.class);
			assertThat(dataSource.unwrap(SQLiteDataSource.class).getUrl()).isEqualTo(url());
			assertThat(SqliteUrl.of(dataSource)).isEqualTo(url());
			try (Connection connection = dataSource.getConnection()) {
				assertThat(HonkerFunctions.isRegistered(connection)).isTrue();
			}
			assertThat(context.getBean(HonkerTemplate.class).enqueue("q", 1)).isPositive();
		});
	}

	@Test
	void bootstrapConnectPreparesEachConnectionOfAWrappedDataSource() {
		this.runner.withBean(DataSource.class, this::plainSqlite)
			.withPropertyValues("honker.bootstrap=connect")
			.run(context -> {
				assertThat(context).hasNotFailed().hasSingleBean(HonkerDataSource.class);
				assertThat(tables(context)).as("created by the first connection, not at startup")
					.contains("_honker_live");
			});
	}

	@Test
	void installsFunctionsInAUserDefinedHikariPool() {
		this.runner.withBean(DataSource.class, this::unstartedHikari).run(context -> {
			HikariDataSource hikari = context.getBean(HikariDataSource.class);
			assertThat(hikari.getDataSource()).isInstanceOf(HonkerSqliteDataSource.class);
			assertThat(context.getBean(HonkerTemplate.class).enqueue("q", 1)).isPositive();
		});
	}

	@Test
	void wrapsTheDataSourceInsideAUserDefinedHikariPool() {
		this.runner.withBean(DataSource.class, () -> {
			SQLiteDataSource sqlite = new SQLiteDataSource();
			sqlite.setUrl(url());
			HikariDataSource hikari = new HikariDataSource();
			hikari.setDataSource(sqlite);
			return hikari;
		}).run(context -> {
			HikariDataSource hikari = context.getBean(HikariDataSource.class);
			assertThat(hikari.getDataSource()).isInstanceOf(HonkerDataSource.class);
			assertThat(context.getBean(HonkerTemplate.class).enqueue("q", 1)).isPositive();
		});
	}

	@Test
	void backsOffWhenTheApplicationDefinesItsOwnTemplate() {
		sqlite().withUserConfiguration(OwnTemplateConfiguration.class).run(context -> {
			assertThat(context).hasSingleBean(HonkerTemplate.class);
			assertThat(context.getBean(HonkerTemplate.class)).isSameAs(context.getBean("myTemplate"));
		});
	}

	@Test
	void refusesAnInMemoryDatabase() {
		for (String memory : List.of("jdbc:sqlite::memory:", "jdbc:sqlite:", "jdbc:sqlite:file::memory:?cache=shared",
				"jdbc:sqlite:file:memdb1?mode=memory&cache=shared")) {
			this.runner.withPropertyValues("spring.datasource.url=" + memory).run(context -> {
				FailureAnalysis analysis = analyze(context);
				assertThat(analysis.getDescription()).contains("in-memory", memory);
				assertThat(analysis.getAction()).contains("spring.datasource.url", "jdbc:sqlite:app.db");
			});
		}
	}

	@Test
	void refusesAMissingNativeExtension() {
		Path missing = this.directory.resolve("libhonker_ext.so");
		sqlite().withPropertyValues("honker.extension.path=" + missing).run(context -> {
			FailureAnalysis analysis = analyze(context);
			assertThat(analysis.getDescription()).contains("honker.extension.path=" + missing, "no such file");
			assertThat(analysis.getAction()).contains("libhonker_ext", "remove honker.extension.path");
		});
	}

	@Test
	void refusesANativeExtensionThatDoesNotLoad() throws Exception {
		Path notALibrary = Files.writeString(this.directory.resolve("libhonker_ext.so"), "not a shared library");
		sqlite().withPropertyValues("honker.extension.path=" + notALibrary).run(context -> {
			FailureAnalysis analysis = analyze(context);
			assertThat(analysis.getDescription()).contains("honker.extension.path=" + notALibrary,
					"Cannot load native extension");
			assertThat(analysis.getAction()).contains("built for this platform");
		});
	}

	@Test
	void refusesAnInvalidJournalMode() {
		sqlite().withPropertyValues("honker.sqlite.journal-mode=fast").run(context -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining("honker.sqlite.journal-mode")
				.hasStackTraceContaining("HonkerProperties$JournalMode")
				.hasStackTraceContaining("fast");
		});
	}

	@Test
	void refusesANegativeBusyTimeout() {
		sqlite().withPropertyValues("honker.sqlite.busy-timeout=-1s").run(context -> {
			FailureAnalysis analysis = analyze(context);
			assertThat(analysis.getDescription()).contains("honker.sqlite.busy-timeout", "PT-1S");
			assertThat(analysis.getAction()).contains("5s");
		});
	}

	@Test
	void refusesABlankNativeEntryPoint() throws Exception {
		Path library = Files.writeString(this.directory.resolve("libhonker_ext.so"), "");
		sqlite().withPropertyValues("honker.extension.path=" + library, "honker.extension.entry-point= ")
			.run(context -> assertThat(analyze(context).getDescription()).contains("honker.extension.entry-point"));
	}

	@Test
	void refusesAnUnknownBootstrapMode() {
		sqlite().withPropertyValues("honker.bootstrap=sometimes").run(context -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("sometimes");
			assertThat(context.getStartupFailure()).hasStackTraceContaining("honker.bootstrap");
		});
	}

	private static FailureAnalysis analyze(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		FailureAnalysis analysis = new HonkerConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
		assertThat(analysis).as("failure analysis of %s", context.getStartupFailure()).isNotNull();
		return analysis;
	}

	private SQLiteDataSource plainSqlite() {
		SQLiteDataSource sqlite = new SQLiteDataSource();
		sqlite.setUrl(url());
		return sqlite;
	}

	private HikariDataSource unstartedHikari() {
		HikariDataSource hikari = new HikariDataSource();
		hikari.setJdbcUrl(url());
		return hikari;
	}

	private static JdbcTemplate jdbc(AssertableApplicationContext context) {
		return new JdbcTemplate(context.getBean(DataSource.class));
	}

	private static List<String> tables(AssertableApplicationContext context) {
		return jdbc(context).queryForList("SELECT name FROM sqlite_master WHERE type = 'table'", String.class);
	}

	private static List<String> indexes(AssertableApplicationContext context) {
		return jdbc(context).queryForList("SELECT name FROM sqlite_master WHERE type = 'index'", String.class);
	}

	private static String pragma(AssertableApplicationContext context, String name) {
		return jdbc(context).queryForObject("PRAGMA " + name, String.class);
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnTemplateConfiguration {

		@Bean
		HonkerTemplate myTemplate(DataSource dataSource) {
			return new HonkerTemplate(dataSource, JsonMapper.shared());
		}

	}

}
