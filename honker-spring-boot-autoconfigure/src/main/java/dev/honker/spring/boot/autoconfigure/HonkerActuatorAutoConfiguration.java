package dev.honker.spring.boot.autoconfigure;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.honker.spring.actuate.HonkerEndpoint;
import dev.honker.spring.actuate.HonkerHealthIndicator;
import dev.honker.spring.core.HonkerStatsSampler;
import dev.honker.spring.core.HonkerDeadLetters;
import dev.honker.spring.core.HonkerStats;
import dev.honker.spring.listener.HonkerListenerEndpointRegistry;
import dev.honker.spring.scheduler.HonkerSchedules;
import dev.honker.spring.watch.DatabaseWatcher;

/**
 * Honker for Spring Boot Actuator: the {@code honker} health indicator (unless
 * {@code management.health.honker.enabled=false}) and the {@code honker} endpoint (when
 * it is available: exposed and not disabled). Active with Actuator on the classpath and
 * Honker auto-configured.
 */
@AutoConfiguration(after = { HonkerAutoConfiguration.class, HonkerListenerAutoConfiguration.class,
		HonkerStatsSamplerAutoConfiguration.class, HonkerSchedulerAutoConfiguration.class })
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
@ConditionalOnBean(HonkerStats.class)
public final class HonkerActuatorAutoConfiguration {

	HonkerActuatorAutoConfiguration() {
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("honker")
	@ConditionalOnBean(HonkerStatsSampler.class)
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "honkerHealthIndicator")
		HonkerHealthIndicator honkerHealthIndicator(DataSource dataSource, HonkerStatsSampler sampler,
				ObjectProvider<DatabaseWatcher> watcher, ObjectProvider<HonkerListenerEndpointRegistry> listeners,
				HonkerProperties properties) {
			HonkerProperties.Health health = properties.getHealth();
			return new HonkerHealthIndicator(HonkerListenerAutoConfiguration.sqliteDatabaseFile(dataSource), dataSource,
					sampler, watcher.getIfAvailable(), listeners.getIfAvailable(), new HonkerHealthIndicator.Thresholds(
							health.getMaxOldestPendingAge(), health.getMaxDeadGrowth(), health.getDeadGrowthWindow()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnAvailableEndpoint(HonkerEndpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		HonkerEndpoint honkerEndpoint(HonkerStats stats, HonkerDeadLetters deadLetters,
				ObjectProvider<HonkerListenerEndpointRegistry> listeners, ObjectProvider<HonkerSchedules> schedules) {
			return new HonkerEndpoint(stats, deadLetters, listeners.getIfAvailable(), schedules.getIfAvailable());
		}

	}

}
