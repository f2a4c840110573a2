package dev.honker.spring.test;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.honker.spring.boot.autoconfigure.HonkerAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.HonkerListenerAutoConfiguration;
import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.listener.HonkerListenerEndpointRegistry;
import dev.honker.spring.watch.DatabaseWatcher;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@link HonkerTestSupport} bean, wherever Honker is auto-configured and this module
 * is on the (test) classpath.
 */
@AutoConfiguration(after = { HonkerAutoConfiguration.class, HonkerListenerAutoConfiguration.class })
@ConditionalOnBean(HonkerTemplate.class)
public final class HonkerTestSupportAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	HonkerTestSupport honkerTestSupport(DataSource dataSource, ObjectProvider<JsonMapper> mapper,
			ObjectProvider<HonkerListenerEndpointRegistry> registry, ObjectProvider<DatabaseWatcher> watcher) {
		return new HonkerTestSupport(dataSource, mapper.getIfUnique(JsonMapper::shared), registry.getIfUnique(),
				watcher.getIfUnique());
	}

}
