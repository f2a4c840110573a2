package dev.honker.spring.test;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Gives the application context of a {@link HonkerTestDatabase} test class a fresh
 * database file: {@code spring.datasource.url} points at it. Spring keeps test contexts
 * until the JVM exits, so the file is deleted then, after the contexts have closed their
 * pools.
 */
class HonkerTestDatabaseContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		return TestContextAnnotationUtils.hasAnnotation(testClass, HonkerTestDatabase.class)
				? new FreshDatabase(testClass) : null;
	}

	/**
	 * The customizer of one test class; equal only for the same class, so every annotated
	 * class gets a context (and a file) of its own.
	 */
	private static final class FreshDatabase implements ContextCustomizer {

		private final Class<?> testClass;

		FreshDatabase(Class<?> testClass) {
			this.testClass = testClass;
		}

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
			HonkerDatabaseFile database = HonkerDatabaseFile.create();
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("honkerTestDatabase", Map.of("spring.datasource.url", database.url())));
			database.deleteOnExit();
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof FreshDatabase fresh && fresh.testClass == this.testClass;
		}

		@Override
		public int hashCode() {
			return Objects.hash(FreshDatabase.class, this.testClass);
		}

	}

}
