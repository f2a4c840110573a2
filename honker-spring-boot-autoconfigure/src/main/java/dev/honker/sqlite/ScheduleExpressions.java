package dev.honker.sqlite;

import java.time.ZoneId;

/**
 * Checks Honker schedule expressions (5- or 6-field cron, or {@code @every <n><unit>})
 * without a database, with the same parser as {@code honker_cron_next_after}, so that a
 * bad expression is refused before anything is written.
 */
public final class ScheduleExpressions {

	private ScheduleExpressions() {
	}

	/**
	 * Checks an expression the way Honker's bindings do: it must parse, and have a
	 * boundary after the Unix epoch in the system time zone.
	 * @param expression the schedule expression
	 * @return the expression, unchanged
	 * @throws IllegalArgumentException naming the expression, with the parser's message,
	 * if it is invalid
	 */
	public static String requireValid(String expression) {
		if (expression == null) {
			throw new IllegalArgumentException("schedule expression must not be null");
		}
		try {
			CronExpression.parse(expression).nextAfter(0, ZoneId.systemDefault());
			return expression;
		}
		catch (FunctionException ex) {
			throw new IllegalArgumentException("invalid schedule expression '" + expression + "': " + ex.getMessage(),
					ex);
		}
	}

}
