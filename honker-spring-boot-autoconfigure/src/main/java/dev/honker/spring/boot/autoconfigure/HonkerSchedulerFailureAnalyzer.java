package dev.honker.spring.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.honker.spring.scheduler.ScheduleConfigurationException;

/**
 * Explains a {@link ScheduleConfigurationException} when the application fails to start.
 */
class HonkerSchedulerFailureAnalyzer extends AbstractFailureAnalyzer<ScheduleConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ScheduleConfigurationException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Fix the schedule named above. A schedule has a unique name, a queue that is not empty, and an"
						+ " expression: 5 cron fields (minute hour day-of-month month day-of-week), 6 (seconds first),"
						+ " or @every <n><unit> with unit s, m, h or d; @HonkerScheduled sets exactly one of cron and"
						+ " every.",
				cause);
	}

}
