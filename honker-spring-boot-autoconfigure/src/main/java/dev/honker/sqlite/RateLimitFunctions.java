package dev.honker.sqlite;

import java.sql.SQLException;
import java.util.List;

/**
 * Fixed-window rate limits: {@code honker_rate_limit_try} and
 * {@code honker_rate_limit_sweep}. A window starts at {@code (now / per) * per}, so
 * windows are aligned to the Unix epoch, and a limiter is one {@code _honker_rate_limits}
 * row per (name, window_start). Rejected calls do not count.
 */
final class RateLimitFunctions {

	/**
	 * Counts one call in the current window unless the window already holds {@code limit}
	 * calls.
	 */
	private static final String TRY = """
			INSERT INTO _honker_rate_limits (name, window_start, count)
			VALUES (?1, (unixepoch() / ?3) * ?3, 1)
			ON CONFLICT (name, window_start) DO UPDATE SET count = count + 1 WHERE count < ?2""";

	private static final String SWEEP = "DELETE FROM _honker_rate_limits WHERE window_start < unixepoch() - ?1";

	private RateLimitFunctions() {
	}

	static void register(FunctionRegistrar registrar) throws SQLException {
		registrar.define("honker_rate_limit_try", List.of("name", "limit", "per"), f -> {
			String name = f.text(0);
			long limit = f.integer(1);
			long per = HonkerTime.relative("per", f.integer(2));
			if (limit <= 0 || per <= 0) {
				throw new FunctionException("limit and per must be positive, got limit " + limit + " and per " + per);
			}
			f.resultLong(f.statements().update(TRY, name, limit, per));
		});
		registrar.define("honker_rate_limit_sweep", List.of("older_than_s"),
				f -> f.resultLong(f.statements().update(SWEEP, HonkerTime.relative("older_than_s", f.integer(0)))));
	}

}
