package dev.honker.spring.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.honker.spring.task.TaskConfigurationException;

/**
 * Explains a {@link TaskConfigurationException} when the application fails to start.
 */
class HonkerTaskFailureAnalyzer extends AbstractFailureAnalyzer<TaskConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, TaskConfigurationException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Fix the @HonkerTask method or attribute named above. Each task name belongs to one method; the"
						+ " queue must not be empty; durations are whole seconds, for example 60s. See the @HonkerTask"
						+ " Javadoc.",
				cause);
	}

}
