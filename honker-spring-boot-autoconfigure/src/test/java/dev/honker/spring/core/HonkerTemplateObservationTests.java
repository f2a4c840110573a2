package dev.honker.spring.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.honker.spring.observation.HonkerEnqueueContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The {@code honker.enqueue} observation of {@link HonkerTemplate}: stopped while still
 * in its scope, with the queue, the job id and the contextual name of the default
 * convention, and with the error of a failed enqueue.
 */
class HonkerTemplateObservationTests {

	@TempDir
	Path directory;

	private final ObservationRegistry registry = ObservationRegistry.create();

	private final Recorder recorder = new Recorder();

	HonkerTemplateObservationTests() {
		this.registry.observationConfig().observationHandler(this.recorder);
	}

	@Test
	void stopsEachEnqueueInItsScopeWithTheQueueAndTheJobId() {
		TemplateContexts.runner(this.directory.resolve("app.db")).run(context -> {
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			honker.setObservationRegistry(this.registry);
			TransactionTemplate transaction = new TransactionTemplate(
					context.getBean(PlatformTransactionManager.class));
			Long orders = transaction.execute(status -> honker.enqueue("orders", "a"));
			Long emails = transaction.execute(status -> honker.enqueue("emails", "b"));
			Long more = transaction.execute(status -> honker.enqueue("orders", "c"));
			assertThat(this.recorder.stopped).extracting(Observation.Context::getContextualName)
				.containsExactly("orders send", "emails send", "orders send");
			assertThat(this.recorder.stopped)
				.extracting(stopped -> stopped.getLowCardinalityKeyValue("honker.queue").getValue())
				.containsExactly("orders", "emails", "orders");
			assertThat(this.recorder.stopped)
				.extracting(stopped -> stopped.getHighCardinalityKeyValue("honker.job.id").getValue())
				.containsExactly(Long.toString(orders), Long.toString(emails), Long.toString(more));
			assertThat(this.recorder.currentAtStop).as("the current observation when each enqueue's stops")
				.containsExactlyElementsOf(this.recorder.stopped);
			assertThat(this.registry.getCurrentObservation()).as("after the enqueues").isNull();
		});
	}

	@Test
	void aFailedEnqueueRecordsItsErrorAndStops() {
		TemplateContexts.runner(this.directory.resolve("app.db")).run(context -> {
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			honker.setObservationRegistry(this.registry);
			new JdbcTemplate(context.getBean(DataSource.class)).execute("DROP TABLE _honker_live");
			assertThatExceptionOfType(DataAccessException.class).isThrownBy(() -> honker.enqueue("orders", "a"));
			assertThat(this.recorder.stopped).singleElement().satisfies(stopped -> {
				assertThat(stopped.getError()).isInstanceOf(DataAccessException.class);
				assertThat(stopped.getHighCardinalityKeyValue("honker.job.id").getValue()).isEqualTo("0");
			});
			assertThat(this.registry.getCurrentObservation()).as("after the failed enqueue").isNull();
		});
	}

	/** Records the enqueue contexts when they stop, and the current observation then. */
	private final class Recorder implements ObservationHandler<HonkerEnqueueContext> {

		final List<HonkerEnqueueContext> stopped = new ArrayList<>();

		final List<Observation.Context> currentAtStop = new ArrayList<>();

		@Override
		public void onStop(HonkerEnqueueContext context) {
			this.stopped.add(context);
			Observation current = HonkerTemplateObservationTests.this.registry.getCurrentObservation();
			this.currentAtStop.add((current != null) ? current.getContext() : null);
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof HonkerEnqueueContext;
		}

	}

}
