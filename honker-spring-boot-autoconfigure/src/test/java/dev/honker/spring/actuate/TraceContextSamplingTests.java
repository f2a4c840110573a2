package dev.honker.spring.actuate;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.honker.spring.boot.autoconfigure.HonkerAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.HonkerObservationAutoConfiguration;
import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.core.JobTraceContexts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trace context table gets a row only for an enqueue whose span is sampled: an
 * unsampled trace would not be recorded anyway, so its job costs no second row.
 */
class TraceContextSamplingTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner(String probability) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					JacksonAutoConfiguration.class, HonkerAutoConfiguration.class,
					HonkerObservationAutoConfiguration.class, ObservationAutoConfiguration.class,
					MicrometerTracingAutoConfiguration.class, BraveAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.directory.resolve("app.db"),
					"management.tracing.sampling.probability=" + probability);
	}

	@Test
	void anEnqueueWhoseSpanIsNotSampledStoresNoRow() {
		runner("0.0").run(context -> {
			long id = enqueueInTransaction(context.getBean(HonkerTemplate.class),
					context.getBean(PlatformTransactionManager.class));
			assertThat(traceRows(context.getBean(JdbcTemplate.class))).isZero();
			assertThat(context.getBean(JdbcTemplate.class)
				.queryForObject("SELECT count(*) FROM _honker_live WHERE id = ?", Long.class, id)).isOne();
		});
	}

	@Test
	void anEnqueueWhoseSpanIsSampledStoresItsContextBesideTheJob() {
		runner("1.0").run(context -> {
			long id = enqueueInTransaction(context.getBean(HonkerTemplate.class),
					context.getBean(PlatformTransactionManager.class));
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			assertThat(traceRows(jdbc)).isOne();
			assertThat(jdbc.queryForObject("SELECT context FROM " + JobTraceContexts.TABLE + " WHERE job_id = ?",
					String.class, id))
				.contains("traceparent");
		});
	}

	private static long enqueueInTransaction(HonkerTemplate honker, PlatformTransactionManager transactions) {
		Long id = new TransactionTemplate(transactions).execute(status -> honker.enqueue("traced", "order-1"));
		return id;
	}

	private static long traceRows(JdbcTemplate jdbc) {
		return jdbc.queryForObject("SELECT count(*) FROM " + JobTraceContexts.TABLE, Long.class);
	}

}
