package dev.honker.spring.test;

import static org.assertj.core.api.Assertions.assertThat;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.honker.spring.core.HonkerOperations;
import dev.honker.spring.listener.HonkerListenerEndpointRegistry;

/**
 * {@link AutoConfigureHonker} adds Honker to a {@code @JdbcTest} slice, whose test
 * transaction the template and the support join.
 */
@JdbcTest
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
@AutoConfigureHonker
@HonkerTestDatabase
class AutoConfigureHonkerTests {

	@Autowired
	ApplicationContext context;

	@Autowired
	HonkerOperations honker;

	@Autowired
	HonkerTestSupport support;

	@Autowired
	DataSource dataSource;

	@Test
	void theSliceHasHonkerAndSeesTheTestTransactionsEnqueues() {
		assertThat(this.context.getBeanNamesForType(HonkerListenerEndpointRegistry.class)).hasSize(1);
		long id = this.honker.enqueue("slice", "in the test transaction");
		assertThat(this.support.enqueuedJobs("slice")).extracting(EnqueuedJob::id).containsExactly(id);
		assertThat(new JdbcTemplate(this.dataSource).queryForObject("SELECT count(*) FROM _honker_live", Long.class))
			.isOne();
	}

}
