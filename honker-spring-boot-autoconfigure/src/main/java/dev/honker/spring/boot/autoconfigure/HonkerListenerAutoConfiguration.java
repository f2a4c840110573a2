package dev.honker.spring.boot.autoconfigure;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.sqlite.SQLiteConnection;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Lazy;
import org.springframework.boot.thread.Threading;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

import dev.honker.spring.core.HonkerDialect;
import dev.honker.spring.listener.HonkerListenerAnnotationBeanPostProcessor;
import dev.honker.spring.listener.HonkerListenerContainerCustomizer;
import dev.honker.spring.listener.HonkerListenerContainerFactory;
import dev.honker.spring.listener.JacksonPayloadConverter;
import dev.honker.spring.listener.JobErrorHandler;
import dev.honker.spring.listener.JobInterceptor;
import dev.honker.spring.listener.PayloadConverter;
import dev.honker.spring.listener.HonkerListenerEndpointRegistry;
import dev.honker.spring.listener.ListenerDefaults;
import dev.honker.spring.listener.RetryBackoff;
import dev.honker.spring.watch.DatabaseWatcher;
import dev.honker.spring.watch.SqliteDatabaseWatcher;
import dev.honker.spring.watch.WatcherOptions;
import tools.jackson.databind.json.JsonMapper;
import org.jspecify.annotations.Nullable;
import dev.honker.sqlite.SqliteSupport;

/**
 * The worker side of Honker: the commit watcher of the application's SQLite database and
 * the infrastructure that runs {@code @HonkerListener} methods. Active under the same
 * conditions as {@link HonkerAutoConfiguration}. The watcher and the container factory
 * are created only when there is a listener method (or another bean asks for them), so an
 * application whose DataSource turns out not to be SQLite at runtime is only refused when
 * it declares listeners.
 */
@AutoConfiguration(after = HonkerAutoConfiguration.class,
		afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
				"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
				"org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration" })
@ConditionalOnClass({ SQLiteConnection.class, JdbcTemplate.class, JsonMapper.class })
@ConditionalOnHonkerDatabase
@EnableConfigurationProperties(HonkerProperties.class)
public final class HonkerListenerAutoConfiguration {

	/**
	 * The name of the {@link Executor} bean, if any, that runs the handlers of every
	 * listener.
	 */
	public static final String LISTENER_TASK_EXECUTOR_BEAN_NAME = "honkerListenerTaskExecutor";

	/**
	 * The JVM-shared commit watcher of the DataSource's database: of its file on SQLite,
	 * a {@code LISTEN} connection on PostgreSQL.
	 */
	@Bean
	@Lazy
	@ConditionalOnMissingBean
	DatabaseWatcher honkerDatabaseWatcher(DataSource dataSource, HonkerProperties properties) {
		WatcherOptions options = watcherOptions(properties.getWatcher());
		try (Connection connection = dataSource.getConnection()) {
			if (HonkerDialect
				.ofProduct(connection.getMetaData().getDatabaseProductName()) == HonkerDialect.POSTGRESQL) {
				return PostgresWatchers.create(dataSource, connection, options.safetyPollInterval());
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("honker: cannot connect to the DataSource: " + ex.getMessage(), ex);
		}
		return new SqliteDatabaseWatcher(databaseFile(dataSource), options);
	}

	static WatcherOptions watcherOptions(HonkerProperties.Watcher watcher) {
		return withPrefix("honker.watcher.", () -> new WatcherOptions(watcher.getMode(), watcher.getPollInterval(),
				watcher.getSafetyPollInterval(), watcher.getIdentityCheckInterval()));
	}

	/**
	 * Creates a container for each {@code @HonkerListener} method, and for listeners
	 * registered in code. Picks up the application's {@link PayloadConverter} and
	 * {@link JobErrorHandler} (when there is exactly one), every {@link JobInterceptor}
	 * and {@link HonkerListenerContainerCustomizer} in order, and the executor named
	 * {@value #LISTENER_TASK_EXECUTOR_BEAN_NAME}; without that executor, handlers run on
	 * virtual threads when {@code spring.threads.virtual.enabled=true} on Java 21+, and
	 * on a pool of platform threads per listener otherwise.
	 */
	@Bean
	@Lazy
	@ConditionalOnMissingBean
	HonkerListenerContainerFactory honkerListenerContainerFactory(DataSource dataSource, DatabaseWatcher watcher,
			ObjectProvider<JsonMapper> mapper, ObjectProvider<PlatformTransactionManager> transactionManager,
			HonkerProperties properties, ObjectProvider<PayloadConverter> payloadConverter,
			ObjectProvider<JobErrorHandler> errorHandler, ObjectProvider<JobInterceptor> interceptors,
			ObjectProvider<HonkerListenerContainerCustomizer> customizers,
			@Qualifier(LISTENER_TASK_EXECUTOR_BEAN_NAME) ObjectProvider<Executor> taskExecutor,
			Environment environment) {
		HonkerListenerContainerFactory factory = new HonkerListenerContainerFactory(dataSource, watcher,
				listenerDefaults(properties.getListener()), transactionManager.getIfUnique());
		factory.setPayloadConverter(payloadConverter
			.getIfUnique(() -> new JacksonPayloadConverter(mapper.getIfUnique(JsonMapper::shared))));
		factory.setErrorHandler(errorHandler.getIfUnique());
		factory.setInterceptors(interceptors.orderedStream().toList());
		factory.setContainerCustomizers(customizers.orderedStream().toList());
		factory.setTaskExecutor(taskExecutor.getIfAvailable());
		factory.setVirtualThreads(Threading.VIRTUAL.isActive(environment));
		return factory;
	}

	/** Holds the listener containers by id; pause and resume listeners through it. */
	@Bean
	@ConditionalOnMissingBean
	HonkerListenerEndpointRegistry honkerListenerEndpointRegistry() {
		return new HonkerListenerEndpointRegistry();
	}

	/** Finds {@code @HonkerListener} methods. */
	@Bean
	@ConditionalOnMissingBean
	static HonkerListenerAnnotationBeanPostProcessor honkerListenerAnnotationBeanPostProcessor() {
		return new HonkerListenerAnnotationBeanPostProcessor();
	}

	static ListenerDefaults listenerDefaults(HonkerProperties.Listener listener) {
		HonkerProperties.Backoff backoff = listener.getBackoff();
		RetryBackoff retryBackoff = withPrefix("honker.listener.backoff.",
				() -> new RetryBackoff(backoff.getInitialInterval(), backoff.getMultiplier(), backoff.getMaxInterval(),
						backoff.getJitter()));
		for (Class<?> type : listener.getNonRetryableExceptions()) {
			if (!Throwable.class.isAssignableFrom(type)) {
				throw new IllegalArgumentException(
						"honker.listener.non-retryable-exceptions: " + type.getName() + " is not an exception type");
			}
		}
		return withPrefix("honker.listener.",
				() -> new ListenerDefaults(listener.getConcurrency(), listener.isAutoStartup(),
						listener.getVisibilityTimeout(), listener.getIdlePollInterval(), listener.getShutdownTimeout(),
						listener.getAckMode(), retryBackoff, listener.getNonRetryableExceptions()));
	}

	/**
	 * Creates settings of a lower layer, whose errors name the setting in kebab case, and
	 * puts the property prefix in front of that name.
	 */
	private static <T> T withPrefix(String prefix, Supplier<T> settings) {
		try {
			return settings.get();
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			throw new IllegalArgumentException(prefix + ex.getMessage(), ex);
		}
	}

	/**
	 * The file of the DataSource's main database, as SQLite reports it, or {@code null}
	 * when the DataSource is PostgreSQL.
	 */
	static @Nullable Path sqliteDatabaseFile(DataSource dataSource) {
		try (Connection connection = dataSource.getConnection()) {
			if (HonkerDialect
				.ofProduct(connection.getMetaData().getDatabaseProductName()) == HonkerDialect.POSTGRESQL) {
				return null;
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("honker: cannot connect to the DataSource: " + ex.getMessage(), ex);
		}
		return databaseFile(dataSource);
	}

	/** The file of the DataSource's main database, as SQLite reports it. */
	static Path databaseFile(DataSource dataSource) {
		try (Connection connection = dataSource.getConnection()) {
			if (SqliteSupport.sqliteConnection(connection) == null) {
				throw HonkerConfigurationException
					.listenersNeedSqlite(SqliteUrl.scheme(connection.getMetaData().getURL()));
			}
			String file = HonkerInitializer.mainDatabaseFile(connection);
			if (file.isEmpty()) {
				throw HonkerConfigurationException.inMemoryDatabase(connection.getMetaData().getURL());
			}
			return Path.of(file);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(
					"honker: cannot find the database file of the DataSource: " + ex.getMessage(), ex);
		}
	}

}
