package dev.honker.spring.test;

import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;

/**
 * Calls {@link HonkerTestSupport#startTest()} before each test method of a Spring test
 * whose context has the bean, so that {@link HonkerTestSupport#enqueuedJobs()} lists only
 * that test's jobs.
 */
class HonkerTestExecutionListener implements TestExecutionListener, Ordered {

	@Override
	public void beforeTestMethod(TestContext testContext) {
		if (testContext.hasApplicationContext()) {
			ApplicationContext context = testContext.getApplicationContext();
			context.getBeanProvider(HonkerTestSupport.class).ifUnique(HonkerTestSupport::startTest);
		}
	}

	/** After dependency injection, before transactional test methods begin. */
	@Override
	public int getOrder() {
		return 3500;
	}

}
