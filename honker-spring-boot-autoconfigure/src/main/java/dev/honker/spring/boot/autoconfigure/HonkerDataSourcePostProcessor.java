package dev.honker.spring.boot.autoconfigure;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Makes every new physical connection of the application's SQLite DataSources carry the
 * Honker functions (see {@link HonkerConnectionSetup}), and puts the Honker schema on the
 * {@code search_path} of every connection of its PostgreSQL DataSources (see
 * {@link PostgresSearchPath}).
 *
 * <p>
 * A {@code HikariDataSource} that has not started yet, such as the one Spring Boot
 * creates from {@code spring.datasource.*}, keeps its URL, {@code data-source-properties}
 * and pool settings and gets a connection factory that prepares each connection before
 * the pool's own {@code connection-init-sql} runs. Any other DataSource is wrapped, so
 * each physical connection is prepared the first time it is handed out. DataSources whose
 * URL is known to be neither SQLite nor PostgreSQL are left alone; in-memory SQLite URLs
 * are refused. The Python package's {@code HONKER_EXTENSION_PATH} variable is ignored
 * (see {@link PythonExtensionVariable}).
 */
final class HonkerDataSourcePostProcessor implements BeanPostProcessor, Ordered {

	private static final boolean HIKARI_PRESENT = ClassUtils.isPresent("com.zaxxer.hikari.HikariDataSource",
			HonkerDataSourcePostProcessor.class.getClassLoader());

	private final ObjectProvider<HonkerProperties> properties;

	private final Environment environment;

	HonkerDataSourcePostProcessor(ObjectProvider<HonkerProperties> properties, Environment environment) {
		this.properties = properties;
		this.environment = environment;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (!(bean instanceof DataSource dataSource) || bean instanceof HonkerDataSource) {
			return bean;
		}
		String url = SqliteUrl.of(dataSource);
		if (url != null && SqliteUrl.isPostgres(url)) {
			if (HIKARI_PRESENT && PostgresSearchPath.installInHikari(dataSource)) {
				return bean;
			}
			return new HonkerDataSource(dataSource, HonkerConnectionSetup.from(this.properties.getObject()));
		}
		if (url != null && !SqliteUrl.isSqlite(url)) {
			return bean;
		}
		if (url != null && SqliteUrl.isInMemory(url)) {
			throw HonkerConfigurationException.inMemoryDatabase(url);
		}
		HonkerProperties honker = this.properties.getObject();
		PythonExtensionVariable.ignoreIn(honker, this.environment);
		HonkerConnectionSetup setup = HonkerConnectionSetup.from(honker);
		boolean bootstrapOnConnect = honker.getBootstrap() == HonkerProperties.BootstrapMode.CONNECT;
		if (HIKARI_PRESENT && HikariSupport.install(dataSource, setup, bootstrapOnConnect)) {
			return bean;
		}
		return new HonkerDataSource(dataSource, setup.withBootstrap(bootstrapOnConnect));
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
