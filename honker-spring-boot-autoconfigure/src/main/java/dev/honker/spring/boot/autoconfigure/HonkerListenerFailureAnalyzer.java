package dev.honker.spring.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.honker.spring.listener.ListenerConfigurationException;

/**
 * Explains a {@link ListenerConfigurationException} when the application fails to start,
 * with the action that fits its kind of error.
 */
class HonkerListenerFailureAnalyzer extends AbstractFailureAnalyzer<ListenerConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ListenerConfigurationException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
	}

}
