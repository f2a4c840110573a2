package dev.honker.spring.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.honker.spring.boot.autoconfigure.HonkerListenerAutoConfiguration;

/**
 * Listener methods and settings that cannot work stop the context, naming the method and
 * the value.
 */
class ListenerStartupFailureTests extends PooledDatabaseTests {

	@Test
	void unsupportedParameterTypeNamesTheMethod() {
		assertStartupFails(UnsupportedParameter.class, "UnsupportedParameter.handle(Runnable)",
				"the payload type java.lang.Runnable is not supported by " + JacksonPayloadConverter.class.getName());
	}

	@Test
	void twoPayloadParametersNameTheMethod() {
		assertStartupFails(TwoPayloads.class, "TwoPayloads.handle(String, Map)", "a second payload parameter");
	}

	@Test
	void unresolvedGenericPayloadNamesTheMethod() {
		assertStartupFails(GenericPayload.class, "GenericPayload.handle(Object)",
				"parameter 0 of type T is not supported");
	}

	@Test
	void duplicateListenerIdsNameBothMethods() {
		assertStartupFails(DuplicateIds.class, "duplicate listener id 'same'", "DuplicateIds.first(String)",
				"DuplicateIds.second(String)");
	}

	@Test
	void emptyQueueNameNamesTheMethod() {
		assertStartupFails(EmptyQueue.class, "EmptyQueue.handle(String)", "queue must not be empty");
	}

	@Test
	void queueResolvingToNothingNamesTheMethod() {
		assertStartupFails(PlaceholderQueue.class, "PlaceholderQueue.handle(String)", "queue must not be empty");
	}

	@Test
	void unresolvablePlaceholderNamesMethodAndAttribute() {
		assertStartupFails(UnresolvablePlaceholder.class, "UnresolvablePlaceholder.handle(String)",
				"queue = '${no.such.queue}'", "no.such.queue");
	}

	@Test
	void invalidAttributeValuesNameTheAttributeAndValue() {
		assertStartupFails(BadConcurrency.class, "BadConcurrency.handle(String)", "concurrency = 'many' is invalid");
		assertStartupFails(ZeroConcurrency.class, "concurrency = '0' is invalid: must be at least 1");
		assertStartupFails(FractionalVisibility.class, "visibilityTimeout = '1500ms' is invalid",
				"whole number of seconds");
		assertStartupFails(BadAckMode.class, "BadAckMode.handle(String)", "ackMode = 'sometimes' is invalid",
				"AFTER_HANDLER, TRANSACTIONAL");
		assertStartupFails(BadBackoff.class, "BadBackoff.handle(String)",
				"backoff multiplier must be at least 1, got 0.5");
	}

	@Test
	void placeholdersResolveFromTheEnvironment() {
		runner().withBean("placeholderQueue", PlaceholderQueue.class)
			.withPropertyValues("app.queue=resolved", "app.threads=3")
			.run(context -> {
				assertThat(context).hasNotFailed();
				HonkerListenerContainer container = context.getBean(HonkerListenerEndpointRegistry.class)
					.getListenerContainer("placeholderQueue.handle", HonkerListenerContainer.class);
				assertThat(container.getQueue()).isEqualTo("resolved");
				assertThat(container.getConcurrency()).isEqualTo(3);
			});
	}

	@Test
	void transactionalAckWithoutATransactionManagerNamesTheMethod() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(HonkerListenerAutoConfiguration.class,
					JacksonAutoConfiguration.class, PropertyPlaceholderAutoConfiguration.class))
			.withBean(javax.sql.DataSource.class,
					() -> new org.springframework.jdbc.datasource.DelegatingDataSource(this.pool))
			.withBean(Transactional.class)
			.run(context -> assertFailure(context, ListenerConfigurationException.class, "Transactional.handle(String)",
					"needs a PlatformTransactionManager"));
	}

	@Test
	void invalidListenerPropertiesNameTheProperty() {
		assertPropertyFails("honker.listener.concurrency=0", "honker.listener.concurrency must be at least 1, got 0");
		assertPropertyFails("honker.listener.visibility-timeout=500ms",
				"honker.listener.visibility-timeout must be a whole number of seconds, at least 1s, got PT0.5S");
		assertPropertyFails("honker.listener.backoff.jitter=2",
				"honker.listener.backoff.jitter must be between 0 and 1, got 2.0");
		assertPropertyFails("honker.listener.non-retryable-exceptions=java.lang.String",
				"honker.listener.non-retryable-exceptions: java.lang.String is not an exception type");
	}

	@Test
	void missingNonRetryableClassFailsBindingNamingTheProperty() {
		runner().withBean(PlaceholderQueue.class)
			.withPropertyValues("honker.listener.non-retryable-exceptions=com.example.Missing", "app.queue=q")
			.run(context -> assertFailure(context, BindException.class,
					"Failed to bind properties under 'honker.listener.non-retryable-exceptions'",
					"com.example.Missing"));
	}

	private void assertPropertyFails(String property, String message) {
		runner().withBean(PlaceholderQueue.class)
			.withPropertyValues(property, "app.queue=q")
			.run(context -> assertFailure(context, IllegalArgumentException.class, message));
	}

	private ApplicationContextRunner runner() {
		return ListenerContexts.runner(this.pool);
	}

	private void assertStartupFails(Class<?> listener, String... messageParts) {
		runner().withBean(listener)
			.run(context -> assertFailure(context, ListenerConfigurationException.class, messageParts));
	}

	/**
	 * Asserts that the context failed with {@code type} somewhere in the cause chain, its
	 * messages holding every part.
	 */
	private static void assertFailure(AssertableApplicationContext context, Class<? extends Throwable> type,
			String... parts) {
		assertThat(context).hasFailed();
		List<Throwable> chain = new ArrayList<>();
		for (Throwable cause = context.getStartupFailure(); cause != null; cause = cause.getCause()) {
			chain.add(cause);
		}
		assertThat(chain).anySatisfy(cause -> assertThat(cause).isInstanceOf(type));
		String messages = chain.stream().map(String::valueOf).collect(Collectors.joining("\n"));
		assertThat(messages).contains(parts);
	}

	static class UnsupportedParameter {

		@HonkerListener(queue = "q")
		void handle(Runnable task) {
		}

	}

	static class TwoPayloads {

		@HonkerListener(queue = "q")
		void handle(String text, java.util.Map<String, Object> map) {
		}

	}

	static class GenericPayload<T> {

		@HonkerListener(queue = "q")
		void handle(T payload) {
		}

	}

	static class DuplicateIds {

		@HonkerListener(queue = "q1", id = "same")
		void first(String payload) {
		}

		@HonkerListener(queue = "q2", id = "same")
		void second(String payload) {
		}

	}

	static class EmptyQueue {

		@HonkerListener(queue = "")
		void handle(String payload) {
		}

	}

	static class PlaceholderQueue {

		@HonkerListener(queue = "${app.queue:}", concurrency = "${app.threads:1}")
		void handle(String payload) {
		}

	}

	static class UnresolvablePlaceholder {

		@HonkerListener(queue = "${no.such.queue}")
		void handle(String payload) {
		}

	}

	static class BadConcurrency {

		@HonkerListener(queue = "q", concurrency = "many")
		void handle(String payload) {
		}

	}

	static class ZeroConcurrency {

		@HonkerListener(queue = "q", concurrency = "0")
		void handle(String payload) {
		}

	}

	static class FractionalVisibility {

		@HonkerListener(queue = "q", visibilityTimeout = "1500ms")
		void handle(String payload) {
		}

	}

	static class BadAckMode {

		@HonkerListener(queue = "q", ackMode = "sometimes")
		void handle(String payload) {
		}

	}

	static class BadBackoff {

		@HonkerListener(queue = "q", backoffMultiplier = "0.5")
		void handle(String payload) {
		}

	}

	static class Transactional {

		@HonkerListener(queue = "q", ackMode = "TRANSACTIONAL")
		void handle(String payload) {
		}

	}

}
