package dev.honker.spring.boot.autoconfigure;

import java.time.Duration;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConfigurationCondition;

import dev.honker.spring.core.HonkerStatsSampler;
import dev.honker.spring.core.PeriodicTask;
import dev.honker.spring.core.HonkerStats;

/**
 * The {@link HonkerStatsSampler} that the health indicator and the queue gauges read:
 * active when Actuator's health support or Micrometer is on the classpath. It reads the
 * statistics every {@code honker.stats.sample-interval}.
 */
@AutoConfiguration(after = HonkerAutoConfiguration.class)
@ConditionalOnBean(HonkerStats.class)
@Conditional(HonkerStatsSamplerAutoConfiguration.HealthOrMetrics.class)
public final class HonkerStatsSamplerAutoConfiguration {

	HonkerStatsSamplerAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	HonkerStatsSampler honkerStatsSampler(HonkerStats stats, HonkerProperties properties) {
		return new HonkerStatsSampler(stats, properties.getHealth().getDeadGrowthWindow());
	}

	/** Samples at once, then every {@code honker.stats.sample-interval}. */
	@Bean
	PeriodicTask honkerStatsSampling(HonkerStatsSampler sampler, HonkerProperties properties) {
		return new PeriodicTask("honker-stats-", Duration.ZERO, properties.getStats().getSampleInterval(),
				sampler::sample);
	}

	static final class HealthOrMetrics extends AnyNestedCondition {

		HealthOrMetrics() {
			super(ConfigurationCondition.ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
		static final class Health {

		}

		@ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
		static final class Metrics {

		}

	}

}
