package dev.honker.spring.boot.autoconfigure.jpa;

import java.nio.file.Path;

import dev.honker.spring.boot.autoconfigure.HonkerAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.TestDatabase;
import dev.honker.spring.core.HonkerTemplate;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.persistence.autoconfigure.EntityScan;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;

/**
 * A Spring Data JPA application on a SQLite file with Hibernate's community SQLite
 * dialect.
 */
@Configuration(proxyBeanMethods = false)
@EntityScan(basePackageClasses = Order.class)
@EnableJpaRepositories(basePackageClasses = OrderRepository.class)
public class JpaTestApplication {

	/**
	 * The order service.
	 * @param orders the repository
	 * @param honker the template
	 * @return the service
	 */
	@Bean
	public OrderService orderService(OrderRepository orders, HonkerTemplate honker) {
		return new OrderService(orders, honker);
	}

	/**
	 * A runner for this application on a new database: a SQLite file as
	 * {@link #runner(String)} makes it, or a PostgreSQL database, Hibernate choosing its
	 * dialect.
	 * @param database the database
	 * @param directory where a SQLite file goes
	 * @return the runner
	 */
	public static ApplicationContextRunner runner(TestDatabase database, Path directory) {
		if (database == TestDatabase.SQLITE) {
			return runner(database.url(directory));
		}
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					HibernateJpaAutoConfiguration.class, DataJpaRepositoriesAutoConfiguration.class,
					TransactionAutoConfiguration.class, JacksonAutoConfiguration.class, HonkerAutoConfiguration.class))
			.withUserConfiguration(JpaTestApplication.class)
			.withPropertyValues(database.properties(directory, "30000", "spring.jpa.hibernate.ddl-auto=create"));
	}

	/**
	 * A runner for this application on a SQLite database file, in WAL mode, whose
	 * transactions begin with {@code BEGIN IMMEDIATE} and wait up to 30 s for the write
	 * lock.
	 * @param url the {@code jdbc:sqlite:} URL
	 * @return the runner
	 */
	public static ApplicationContextRunner runner(String url) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					HibernateJpaAutoConfiguration.class, DataJpaRepositoriesAutoConfiguration.class,
					TransactionAutoConfiguration.class, JacksonAutoConfiguration.class, HonkerAutoConfiguration.class))
			.withUserConfiguration(JpaTestApplication.class)
			.withPropertyValues("spring.datasource.url=" + url,
					"spring.datasource.hikari.data-source-properties.journal_mode=WAL",
					"spring.datasource.hikari.data-source-properties.synchronous=NORMAL",
					"spring.datasource.hikari.data-source-properties.busy_timeout=30000",
					"spring.datasource.hikari.data-source-properties.transaction_mode=IMMEDIATE",
					"spring.jpa.database-platform=org.hibernate.community.dialect.SQLiteDialect",
					"spring.jpa.hibernate.ddl-auto=create");
	}

}
