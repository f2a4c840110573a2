package dev.honker.spring.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link HonkerConfigurationException} when the application fails to start.
 */
class HonkerConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<HonkerConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, HonkerConfigurationException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
	}

}
