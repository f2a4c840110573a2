package dev.honker.spring.boot.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.watch.DatabaseWatcher;
import dev.honker.spring.web.HonkerEvents;

/**
 * {@link HonkerEvents} when Spring MVC is on the classpath: Server-Sent Events that
 * forward notifications and stream events to browsers as they commit. It is created in
 * applications without a web server too (its thread starts with the first emitter), so
 * controllers that take it still load in non-web tests.
 */
@AutoConfiguration(after = HonkerListenerAutoConfiguration.class)
@ConditionalOnClass(SseEmitter.class)
@ConditionalOnBean({ HonkerTemplate.class, DatabaseWatcher.class })
@EnableConfigurationProperties(HonkerProperties.class)
public final class HonkerEventsAutoConfiguration {

	/** Server-Sent Events of notification channels and stream topics. */
	@Bean
	@ConditionalOnMissingBean
	HonkerEvents honkerEvents(HonkerTemplate template, DatabaseWatcher watcher, HonkerProperties properties) {
		return new HonkerEvents(template, watcher, properties.getEvents().getTimeout());
	}

}
