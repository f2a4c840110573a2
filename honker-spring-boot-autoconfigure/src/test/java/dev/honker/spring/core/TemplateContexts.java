package dev.honker.spring.core;

import java.nio.file.Path;

import dev.honker.spring.boot.autoconfigure.HonkerAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;

/**
 * Application contexts with a {@link HonkerTemplate} on the auto-configured Hikari pool
 * of a SQLite file.
 */
final class TemplateContexts {

	private TemplateContexts() {
	}

	/**
	 * A runner on {@code database} in WAL mode, with {@code DataSourceTransactionManager}
	 * and Jackson.
	 */
	static ApplicationContextRunner runner(Path database) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
					JacksonAutoConfiguration.class, HonkerAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:sqlite:" + database, "honker.sqlite.journal-mode=WAL");
	}

}
