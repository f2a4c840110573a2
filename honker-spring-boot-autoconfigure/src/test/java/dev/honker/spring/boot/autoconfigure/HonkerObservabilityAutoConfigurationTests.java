package dev.honker.spring.boot.autoconfigure;

import java.nio.file.Path;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.honker.spring.actuate.HonkerEndpoint;
import dev.honker.spring.actuate.HonkerHealthIndicator;
import dev.honker.spring.core.HonkerDeadLetters;
import dev.honker.spring.core.HonkerStats;
import dev.honker.spring.core.HonkerStatsSampler;
import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.core.JobTraceContexts;
import dev.honker.spring.listener.ObservationJobInterceptor;
import dev.honker.spring.metrics.HonkerMetricsObservationHandler;
import dev.honker.spring.metrics.HonkerQueueMetrics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions of the Actuator, sampler and observation auto-configurations: each part
 * appears with its library on the classpath and its switch on, and is absent otherwise.
 */
class HonkerObservabilityAutoConfigurationTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, JacksonAutoConfiguration.class,
					HonkerAutoConfiguration.class, HonkerListenerAutoConfiguration.class,
					HonkerStatsSamplerAutoConfiguration.class, HonkerActuatorAutoConfiguration.class,
					HonkerObservationAutoConfiguration.class, EndpointAutoConfiguration.class,
					HealthContributorAutoConfiguration.class, ObservationAutoConfiguration.class,
					MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.directory.resolve("app.db"));
	}

	@Test
	void everythingWithActuatorMicrometerAndTracing() {
		runner().withPropertyValues("management.endpoints.web.exposure.include=honker").run(context -> {
			assertThat(context).hasSingleBean(HonkerStats.class)
				.hasSingleBean(HonkerDeadLetters.class)
				.hasSingleBean(HonkerStatsSampler.class)
				.hasSingleBean(HonkerHealthIndicator.class)
				.hasSingleBean(HonkerEndpoint.class)
				.hasSingleBean(ObservationJobInterceptor.class)
				.hasSingleBean(JobTraceContexts.class)
				.hasSingleBean(HonkerMetricsObservationHandler.class)
				.hasSingleBean(HonkerQueueMetrics.class);
			assertThat(context.getBean(HonkerTemplate.class)).extracting("observationRegistry")
				.isSameAs(context.getBean(ObservationRegistry.class));
			assertThat(context.getBean(HonkerTemplate.class)).extracting("traceContexts")
				.isSameAs(context.getBean(JobTraceContexts.class));
		});
	}

	@Test
	void theEndpointNeedsExposure() {
		runner().run(context -> assertThat(context).doesNotHaveBean(HonkerEndpoint.class)
			.hasSingleBean(HonkerHealthIndicator.class));
	}

	@Test
	void nothingWithoutActuatorAndMicrometer() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, JacksonAutoConfiguration.class,
					HonkerAutoConfiguration.class, HonkerListenerAutoConfiguration.class,
					HonkerStatsSamplerAutoConfiguration.class, HonkerActuatorAutoConfiguration.class,
					HonkerObservationAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.directory.resolve("app.db"))
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate",
					"org.springframework.boot.health", "io.micrometer.core", "io.micrometer.tracing"))
			.run(context -> assertThat(context).hasSingleBean(HonkerStats.class)
				.doesNotHaveBean(HonkerStatsSampler.class)
				.doesNotHaveBean(HonkerHealthIndicator.class)
				.doesNotHaveBean(HonkerEndpoint.class)
				.doesNotHaveBean(JobTraceContexts.class)
				.doesNotHaveBean(MeterRegistry.class));
	}

	@Test
	void noTraceContextTableWithoutTracingOrWhenSwitchedOff() {
		runner().withClassLoader(new FilteredClassLoader("io.micrometer.tracing"))
			.run(context -> assertThat(context).doesNotHaveBean(JobTraceContexts.class)
				.hasSingleBean(ObservationJobInterceptor.class));
		runner().withPropertyValues("honker.tracing.propagation=false")
			.run(context -> assertThat(context).doesNotHaveBean(JobTraceContexts.class));
	}

	@Test
	void noObservationWithoutAnObservationRegistry() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, JacksonAutoConfiguration.class,
					HonkerAutoConfiguration.class, HonkerObservationAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.directory.resolve("app.db"))
			.run(context -> {
				assertThat(context).doesNotHaveBean(ObservationJobInterceptor.class)
					.doesNotHaveBean(JobTraceContexts.class);
				assertThat(context.getBean(HonkerTemplate.class)).extracting("observationRegistry")
					.isSameAs(ObservationRegistry.NOOP);
			});
	}

}
