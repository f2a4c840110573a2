package dev.honker.spring.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.honker.spring.core.HonkerOperations;
import dev.honker.spring.test.TestApplication.Greeting;
import dev.honker.spring.test.TestApplication.Greetings;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link HonkerTestSupport}, used as an application's test would use it; each subclass
 * runs it on one database.
 */
abstract class HonkerTestSupportContract {

	@Autowired
	HonkerOperations honker;

	@Autowired
	HonkerTestSupport support;

	@Autowired
	Greetings greetings;

	@Autowired
	DataSource dataSource;

	@Autowired
	JsonMapper mapper;

	@Test
	void enqueuedJobsListsOnlyTheJobsOfTheRunningTest() {
		long first = this.honker.enqueue("manual-greetings", new Greeting("ann"));
		long second = this.honker.enqueue("other", new Greeting("bob"));
		assertThat(this.support.enqueuedJobs()).extracting(EnqueuedJob::id).containsExactly(first, second);
		assertThat(this.support.enqueuedJobs("other")).singleElement()
			.satisfies(job -> assertThat(job.payload()).isEqualTo("{\"to\":\"bob\"}"));
		assertThat(this.support.enqueuedPayloads("manual-greetings", Greeting.class))
			.containsExactly(new Greeting("ann"));
		this.support.runPending("manual");
	}

	@Test
	void awaitDrainedWaitsUntilTheListenerHasHandledEveryJob() {
		for (int i = 0; i < 5; i++) {
			this.honker.enqueue("greetings", new Greeting("guest " + i));
		}
		this.support.awaitDrained("greetings");
		assertThat(this.greetings.async).contains("guest 0", "guest 1", "guest 2", "guest 3", "guest 4");
		assertThat(this.support.enqueuedJobs("greetings")).hasSize(5);
	}

	@Test
	void runPendingRunsAStoppedListenersJobsInTheTestThread() {
		this.greetings.manual.clear();
		this.greetings.manualThreads.clear();
		this.honker.enqueue("manual-greetings", new Greeting("carol"));
		this.honker.enqueue("manual-greetings", new Greeting("dave"));
		assertThat(this.support.runPending("manual")).isEqualTo(2);
		assertThat(this.greetings.manual).containsExactlyInAnyOrder(new Greeting("carol"), new Greeting("dave"));
		assertThat(this.greetings.manualThreads).containsOnly(Thread.currentThread());
		this.support.awaitDrained("manual-greetings", Duration.ZERO);
	}

	@Test
	void runPendingAppliesTheListenersFailureHandling() {
		long id = this.honker.enqueue("manual-greetings", new Greeting("nobody"),
				dev.honker.spring.core.JobOptions.defaults().withMaxAttempts(1));
		assertThat(this.support.runPending("manual")).isEqualTo(1);
		assertThat(new JdbcTemplate(this.dataSource).queryForObject("SELECT last_error FROM _honker_dead WHERE id = ?",
				String.class, id))
			.isEqualTo("java.lang.IllegalArgumentException: nobody to greet");
	}

	@Test
	void awaitDrainedFailsWithTheJobsLeftAfterTheTimeout() {
		this.honker.enqueue("manual-greetings", new Greeting("erin"));
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.support.awaitDrained("manual-greetings", Duration.ofMillis(200)))
			.withMessage("queue 'manual-greetings' still has 1 pending or running job(s) after PT0.2S");
		this.support.runPending("manual");
	}

	@Test
	void awaitDrainedWorksWithoutTheApplicationsWatcher() {
		HonkerTestSupport withoutWatcher = new HonkerTestSupport(this.dataSource, this.mapper, null, null);
		for (int i = 0; i < 3; i++) {
			this.honker.enqueue("greetings", new Greeting("visitor " + i));
		}
		withoutWatcher.awaitDrained("greetings");
		assertThat(this.greetings.async).contains("visitor 0", "visitor 1", "visitor 2");
	}

	@Test
	void runPendingOfAnUnknownListenerNamesTheKnownOnes() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.support.runPending("nope"))
			.withMessageContaining("'nope'")
			.withMessageContaining("async")
			.withMessageContaining("manual");
	}

}
