package dev.honker.spring.boot.autoconfigure;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.sqlite.SQLiteConnection;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.util.ClassUtils;

import dev.honker.spring.listener.HonkerListenerAnnotationBeanPostProcessor;
import dev.honker.spring.listener.HonkerListenerContainerFactory;
import dev.honker.spring.listener.HonkerListenerEndpointRegistry;
import dev.honker.spring.listener.ListenerDefaults;
import dev.honker.spring.listener.RetryBackoff;
import dev.honker.spring.watch.DatabaseWatcher;
import dev.honker.spring.watch.WatcherOptions;
import tools.jackson.databind.json.JsonMapper;

/**
 * The worker side of Honker: the commit watcher of the application's SQLite database and the
 * infrastructure that runs {@code @HonkerListener} methods.
 */
@AutoConfiguration(afterName = { "dev.honker.spring.boot.autoconfigure.HonkerAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
        "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
        "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration" })
@ConditionalOnClass({ SQLiteConnection.class, JdbcTemplate.class, JsonMapper.class })
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnBooleanProperty(name = "honker.enabled", matchIfMissing = true)
@EnableConfigurationProperties(HonkerProperties.class)
public final class HonkerListenerAutoConfiguration {

    /** The JVM-shared commit watcher of the DataSource's database file. */
    @Bean
    @ConditionalOnMissingBean
    DatabaseWatcher honkerDatabaseWatcher(DataSource dataSource, HonkerProperties properties) {
        HonkerProperties.Watcher watcher = properties.getWatcher();
        return new DatabaseWatcher(databaseFile(dataSource),
                new WatcherOptions(watcher.getPollInterval(), watcher.getIdentityCheckInterval()));
    }

    /** Creates a container for each {@code @HonkerListener} method. */
    @Bean
    @ConditionalOnMissingBean
    HonkerListenerContainerFactory honkerListenerContainerFactory(DataSource dataSource, DatabaseWatcher watcher,
            ObjectProvider<JsonMapper> mapper, ObjectProvider<PlatformTransactionManager> transactionManager,
            HonkerProperties properties) {
        return new HonkerListenerContainerFactory(dataSource, watcher, mapper.getIfAvailable(() -> JsonMapper.builder().build()),
                listenerDefaults(properties.getListener()), transactionManager.getIfUnique());
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
        RetryBackoff retryBackoff;
        try {
            retryBackoff = new RetryBackoff(backoff.getInitialInterval(), backoff.getMultiplier(), backoff.getMaxInterval(),
                    backoff.getJitter());
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("honker.listener.backoff." + ex.getMessage());
        }
        return new ListenerDefaults(listener.getConcurrency(), listener.isAutoStartup(), listener.getVisibilityTimeout(),
                listener.getIdlePollInterval(), listener.getShutdownTimeout(), listener.getAckMode(), retryBackoff,
                exceptionTypes(listener.getNonRetryableExceptions()));
    }

    private static List<Class<? extends Throwable>> exceptionTypes(List<String> names) {
        List<Class<? extends Throwable>> types = new ArrayList<>();
        for (String name : names) {
            Class<?> type;
            try {
                type = ClassUtils.forName(name.trim(), HonkerListenerAutoConfiguration.class.getClassLoader());
            }
            catch (ClassNotFoundException | LinkageError ex) {
                throw new IllegalArgumentException("honker.listener.non-retryable-exceptions: class '" + name
                        + "' is not on the classpath", ex);
            }
            if (!Throwable.class.isAssignableFrom(type)) {
                throw new IllegalArgumentException("honker.listener.non-retryable-exceptions: '" + name
                        + "' is not an exception type");
            }
            types.add(type.asSubclass(Throwable.class));
        }
        return types;
    }

    /** The file of the DataSource's main database, as SQLite reports it. */
    static Path databaseFile(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet databases = statement.executeQuery("PRAGMA database_list")) {
            while (databases.next()) {
                if ("main".equals(databases.getString("name"))) {
                    String file = databases.getString("file");
                    if (file == null || file.isEmpty()) {
                        throw new IllegalStateException("honker: the DataSource's SQLite database has no file (in-memory or "
                                + "temporary); Honker needs a database file shared by every process, e.g. "
                                + "spring.datasource.url=jdbc:sqlite:/var/lib/app/app.db");
                    }
                    return Path.of(file);
                }
            }
            throw new IllegalStateException("honker: PRAGMA database_list reported no main database");
        }
        catch (SQLException ex) {
            throw new IllegalStateException("honker: cannot find the database file of the DataSource: " + ex.getMessage(), ex);
        }
    }
}
