package dev.honker.spring.boot.autoconfigure;

import javax.sql.DataSource;

import dev.honker.spring.core.HonkerDeadLetters;
import dev.honker.spring.core.HonkerStats;
import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.core.JobTraceContexts;
import dev.honker.spring.observation.HonkerEnqueueObservationConvention;
import io.micrometer.observation.ObservationRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of Honker on the application's SQLite DataSource: the Honker
 * functions on every pooled connection, the schema bootstrap, and a
 * {@link HonkerTemplate} that joins the application's transactions.
 *
 * <p>
 * Active when sqlite-jdbc is on the classpath, there is one primary DataSource, and
 * {@code spring.datasource.url} (when set) is a {@code jdbc:sqlite:} URL.
 * {@code honker.enabled=false} turns it off.
 */
@AutoConfiguration(after = DataSourceAutoConfiguration.class)
@ConditionalOnClass(name = { "org.sqlite.JDBC", "org.springframework.jdbc.core.JdbcTemplate" })
@ConditionalOnHonkerDatabase
@EnableConfigurationProperties(HonkerProperties.class)
@Import(DatabaseInitializationDependencyConfigurer.class)
public final class HonkerAutoConfiguration {

	HonkerAutoConfiguration() {
	}

	@Bean
	static HonkerDataSourcePostProcessor honkerDataSourcePostProcessor(ObjectProvider<HonkerProperties> properties,
			Environment environment) {
		return new HonkerDataSourcePostProcessor(properties, environment);
	}

	@Bean
	HonkerInitializer honkerInitializer(DataSource dataSource, HonkerProperties properties, Environment environment) {
		boolean forcedOn = Boolean.TRUE.equals(environment.getProperty("honker.enabled", Boolean.class));
		return new HonkerInitializer(dataSource, properties, forcedOn);
	}

	/** Read-only statistics of the queues, schedules and stream consumers. */
	@Bean
	@ConditionalOnMissingBean
	@DependsOn("honkerInitializer")
	HonkerStats honkerStats(DataSource dataSource) {
		return new HonkerStats(dataSource);
	}

	/** Requeues and deletes dead jobs. */
	@Bean
	@ConditionalOnMissingBean
	@DependsOn("honkerInitializer")
	HonkerDeadLetters honkerDeadLetters(DataSource dataSource) {
		return new HonkerDeadLetters(dataSource);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JsonMapper.class)
	static class HonkerTemplateConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@DependsOn("honkerInitializer")
		HonkerTemplate honkerTemplate(DataSource dataSource, ObjectProvider<JsonMapper> jsonMapper,
				ObjectProvider<ObservationRegistry> observationRegistry,
				ObjectProvider<HonkerEnqueueObservationConvention> observationConvention,
				ObjectProvider<JobTraceContexts> traceContexts) {
			HonkerTemplate template = new HonkerTemplate(dataSource, jsonMapper.getIfUnique(JsonMapper::shared));
			observationRegistry.ifUnique(template::setObservationRegistry);
			template.setObservationConvention(observationConvention.getIfUnique());
			template.setTraceContexts(traceContexts.getIfUnique());
			return template;
		}

	}

}
