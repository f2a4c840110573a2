package dev.honker.spring.listener;

import javax.sql.DataSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.DelegatingDataSource;

import dev.honker.spring.boot.autoconfigure.HonkerAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.HonkerListenerAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.HonkerPubSubAutoConfiguration;

/** Application contexts with the listener auto-configuration on a test database. */
public final class ListenerContexts {

	private ListenerContexts() {
	}

	/**
	 * A runner whose context uses {@code pool} (left open when the context closes, so
	 * tests can inspect the tables afterwards), a transaction manager and a JdbcTemplate
	 * on the context's DataSource, and Jackson.
	 */
	public static ApplicationContextRunner runner(DataSource pool) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(HonkerAutoConfiguration.class,
					HonkerListenerAutoConfiguration.class, HonkerPubSubAutoConfiguration.class,
					JacksonAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class, PropertyPlaceholderAutoConfiguration.class))
			.withBean(DataSource.class, () -> new DelegatingDataSource(pool))
			.withPropertyValues("honker.listener.shutdown-timeout=20s");
	}

}
