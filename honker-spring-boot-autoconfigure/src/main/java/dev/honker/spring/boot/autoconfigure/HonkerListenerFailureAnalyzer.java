package dev.honker.spring.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.honker.spring.listener.ListenerConfigurationException;

/**
 * Explains a {@link ListenerConfigurationException} when the application fails to start.
 */
class HonkerListenerFailureAnalyzer extends AbstractFailureAnalyzer<ListenerConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ListenerConfigurationException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Fix the @HonkerListener method or attribute named above. A listener"
						+ " method takes at most one payload (a record, POJO, String, JsonNode, Map or collection) and at most one"
						+ " HonkerJob; its queue must not be empty and its id must be unique. See the @HonkerListener Javadoc for"
						+ " the attribute values.",
				cause);
	}

}
