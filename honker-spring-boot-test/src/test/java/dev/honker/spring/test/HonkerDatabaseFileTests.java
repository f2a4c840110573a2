package dev.honker.spring.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.honker.spring.boot.autoconfigure.HonkerAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.HonkerListenerAutoConfiguration;
import dev.honker.spring.core.HonkerTemplate;

/**
 * A {@link HonkerDatabaseFile} parameter gives each test method a fresh file, deleted
 * after the test, for tests that build their own contexts.
 */
@HonkerTestDatabase
class HonkerDatabaseFileTests {

	private static final Set<Path> seen = new HashSet<>();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, HonkerAutoConfiguration.class,
				HonkerListenerAutoConfiguration.class, HonkerTestSupportAutoConfiguration.class));

	@Test
	void eachParameterIsAFreshFileThatAContextRunnerCanUse(HonkerDatabaseFile database, HonkerDatabaseFile other) {
		assertThat(database.file()).doesNotExist();
		assertThat(database.file().getParent()).isDirectory();
		assertThat(other.file().getParent()).isNotEqualTo(database.file().getParent());
		this.runner.withPropertyValues(database.urlProperty()).run(context -> {
			HonkerTestSupport support = context.getBean(HonkerTestSupport.class);
			support.startTest();
			long id = context.getBean(HonkerTemplate.class).enqueue("q", "hi");
			assertThat(support.enqueuedJobs()).extracting(EnqueuedJob::id).containsExactly(id);
		});
		assertThat(database.file()).isRegularFile();
		seen.add(database.file().getParent());
	}

	@Test
	void anotherTestGetsAnotherFile(HonkerDatabaseFile database) {
		assertThat(database.file()).doesNotExist();
		assertThat(seen).doesNotContain(database.file().getParent());
		seen.add(database.file().getParent());
	}

	@AfterAll
	static void filesOfFinishedTestsAreDeleted() {
		assertThat(seen).hasSize(2).allSatisfy(directory -> assertThat(Files.exists(directory)).isFalse());
	}

}
