package dev.honker.spring.boot.autoconfigure;

import javax.sql.DataSource;

import org.sqlite.SQLiteConnection;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Lazy;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.listener.HonkerListenerEndpointRegistry;
import dev.honker.spring.listener.JacksonPayloadConverter;
import dev.honker.spring.listener.ListenerDefaults;
import dev.honker.spring.listener.PayloadConverter;
import dev.honker.spring.notification.HonkerNotificationListenerAnnotationBeanPostProcessor;
import dev.honker.spring.notification.NotificationListenerContainerFactory;
import dev.honker.spring.notification.NotificationPruner;
import dev.honker.spring.stream.HonkerStreamListenerAnnotationBeanPostProcessor;
import dev.honker.spring.stream.StreamListenerContainerFactory;
import dev.honker.spring.stream.StreamListenerDefaults;
import dev.honker.spring.stream.StreamStartPosition;
import dev.honker.spring.watch.DatabaseWatcher;
import tools.jackson.databind.json.JsonMapper;

/**
 * Notification listeners ({@code @HonkerNotificationListener}), stream consumers
 * ({@code @HonkerStreamListener}) and the pruning of {@code _honker_notifications} in
 * worker apps, on the listener infrastructure of {@link HonkerListenerAutoConfiguration}:
 * their containers are registered in the same registry, woken by the same watcher.
 */
@AutoConfiguration(after = HonkerListenerAutoConfiguration.class)
@ConditionalOnClass({ SQLiteConnection.class, JdbcTemplate.class, JsonMapper.class })
@ConditionalOnBean({ HonkerTemplate.class, HonkerListenerEndpointRegistry.class })
@EnableConfigurationProperties(HonkerProperties.class)
public final class HonkerPubSubAutoConfiguration {

	/** Creates a container for each {@code @HonkerNotificationListener} method. */
	@Bean
	@Lazy
	@ConditionalOnMissingBean
	NotificationListenerContainerFactory honkerNotificationListenerContainerFactory(HonkerTemplate template,
			DatabaseWatcher watcher, HonkerProperties properties, ObjectProvider<PayloadConverter> payloadConverter,
			ObjectProvider<JsonMapper> mapper) {
		HonkerProperties.Listener listener = properties.getListener();
		return new NotificationListenerContainerFactory(template, watcher, listener.getIdlePollInterval(),
				listener.isAutoStartup(), converter(payloadConverter, mapper));
	}

	/** Creates a container for each {@code @HonkerStreamListener} method. */
	@Bean
	@Lazy
	@ConditionalOnMissingBean
	StreamListenerContainerFactory honkerStreamListenerContainerFactory(HonkerTemplate template, DataSource dataSource,
			DatabaseWatcher watcher, HonkerProperties properties,
			ObjectProvider<PlatformTransactionManager> transactionManager,
			ObjectProvider<PayloadConverter> payloadConverter, ObjectProvider<JsonMapper> mapper) {
		return new StreamListenerContainerFactory(template, dataSource, watcher, streamDefaults(properties),
				transactionManager.getIfUnique(), converter(payloadConverter, mapper));
	}

	/** Finds {@code @HonkerNotificationListener} methods. */
	@Bean
	@ConditionalOnMissingBean
	static HonkerNotificationListenerAnnotationBeanPostProcessor honkerNotificationListenerAnnotationBeanPostProcessor() {
		return new HonkerNotificationListenerAnnotationBeanPostProcessor();
	}

	/** Finds {@code @HonkerStreamListener} methods. */
	@Bean
	@ConditionalOnMissingBean
	static HonkerStreamListenerAnnotationBeanPostProcessor honkerStreamListenerAnnotationBeanPostProcessor() {
		return new HonkerStreamListenerAnnotationBeanPostProcessor();
	}

	/**
	 * Prunes {@code _honker_notifications} in worker apps: started only when the
	 * application runs at least one Honker listener of any kind.
	 */
	@Bean
	@ConditionalOnBooleanProperty(name = "honker.notifications.pruning-enabled", matchIfMissing = true)
	NotificationPruning honkerNotificationPruning(HonkerListenerEndpointRegistry registry,
			ObjectProvider<HonkerTemplate> template, DataSource dataSource, ObjectProvider<DatabaseWatcher> watcher,
			HonkerProperties properties) {
		HonkerProperties.Notifications notifications = properties.getNotifications();
		return new NotificationPruning(registry,
				() -> new NotificationPruner(template.getObject(), dataSource, watcher.getObject(),
						notifications.getMaxAge(), notifications.getMaxCount(), notifications.getPruneInterval()));
	}

	static StreamListenerDefaults streamDefaults(HonkerProperties properties) {
		HonkerProperties.Stream stream = properties.getStream();
		ListenerDefaults listener = HonkerListenerAutoConfiguration.listenerDefaults(properties.getListener());
		StreamStartPosition start;
		try {
			start = StreamStartPosition.parse(stream.getStart());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("honker.stream.start: " + ex.getMessage(), ex);
		}
		return new StreamListenerDefaults(start, stream.getOffsetMode(), stream.getBatchSize(), stream.getMaxAttempts(),
				stream.getFailureAction(), stream.getLockTtl(), listener.backoff(), listener.idlePollInterval(),
				listener.autoStartup());
	}

	private static PayloadConverter converter(ObjectProvider<PayloadConverter> payloadConverter,
			ObjectProvider<JsonMapper> mapper) {
		return payloadConverter.getIfUnique(() -> new JacksonPayloadConverter(mapper.getIfUnique(JsonMapper::shared)));
	}

}
