package dev.honker.spring.boot.autoconfigure;

import java.time.Duration;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.honker.spring.core.HonkerStatsSampler;
import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.core.JobTraceContexts;
import dev.honker.spring.core.PeriodicTask;
import dev.honker.spring.listener.ObservationJobInterceptor;
import dev.honker.spring.observation.HonkerJobObservationConvention;
import dev.honker.spring.metrics.HonkerMetricsObservationHandler;
import dev.honker.spring.metrics.HonkerQueueMetrics;

/**
 * Micrometer for Honker, active when Honker is auto-configured and the application has an
 * {@link ObservationRegistry} (Spring Boot's Micrometer Observation support):
 * <ul>
 * <li>with Micrometer Tracing on the classpath, the trace context table (created at
 * startup) and its periodic cleanup, so that each handler's span continues its enqueue's
 * trace (unless {@code honker.tracing.propagation=false});</li>
 * <li>with a {@link MeterRegistry}, the job counters and timers (an observation handler)
 * and the queue gauges.</li>
 * </ul>
 * {@link HonkerTemplate} and the listener containers observe with the registry.
 */
@AutoConfiguration(after = { HonkerAutoConfiguration.class, HonkerStatsSamplerAutoConfiguration.class },
		afterName = { "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnBean({ HonkerTemplate.class, ObservationRegistry.class })
public final class HonkerObservationAutoConfiguration {

	HonkerObservationAutoConfiguration() {
	}

	/** Observes every job of every listener as {@code honker.job}. */
	@Bean
	@ConditionalOnMissingBean
	ObservationJobInterceptor honkerObservationJobInterceptor(ObservationRegistry registry,
			ObjectProvider<HonkerJobObservationConvention> convention, ObjectProvider<JobTraceContexts> traceContexts) {
		return new ObservationJobInterceptor(registry, convention.getIfUnique(), traceContexts.getIfUnique());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.tracing.Tracer")
	@ConditionalOnBooleanProperty(name = "honker.tracing.propagation", matchIfMissing = true)
	static class TracingConfiguration {

		@Bean
		@ConditionalOnMissingBean
		JobTraceContexts honkerJobTraceContexts(DataSource dataSource, ObjectProvider<JsonMapper> mapper,
				ObjectProvider<Tracer> tracer) {
			Tracer currentTracer = tracer.getIfUnique();
			JobTraceContexts contexts = new JobTraceContexts(dataSource, mapper.getIfUnique(JsonMapper::shared),
					(currentTracer != null) ? () -> notUnsampled(currentTracer) : () -> true);
			contexts.createTable();
			return contexts;
		}

		/**
		 * Whether the current span may be recorded: a span whose sampling decision is
		 * "no" stores no row, its job's handler starts a trace of its own. Read from the
		 * current trace context, without a span object per enqueue.
		 */
		private static boolean notUnsampled(Tracer tracer) {
			TraceContext current = tracer.currentTraceContext().context();
			return current == null || !Boolean.FALSE.equals(current.sampled());
		}

		/**
		 * Deletes the trace contexts of ended jobs every
		 * {@code honker.tracing.cleanup-interval}.
		 */
		@Bean
		PeriodicTask honkerJobTraceCleanup(JobTraceContexts contexts, HonkerProperties properties) {
			Duration interval = properties.getTracing().getCleanupInterval();
			return new PeriodicTask("honker-trace-cleanup-", interval, interval, contexts::deleteEndedQuietly);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		HonkerMetricsObservationHandler honkerMetricsObservationHandler(ObjectProvider<MeterRegistry> registry) {
			return new HonkerMetricsObservationHandler(registry.getObject());
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(HonkerStatsSampler.class)
		HonkerQueueMetrics honkerQueueMetrics(HonkerStatsSampler sampler) {
			return new HonkerQueueMetrics(sampler);
		}

	}

}
