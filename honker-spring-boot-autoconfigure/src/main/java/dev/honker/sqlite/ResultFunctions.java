package dev.honker.sqlite;

import java.sql.SQLException;
import java.util.List;

/**
 * Job results: {@code honker_result_save}, {@code honker_result_get} and
 * {@code honker_result_sweep}. A result is keyed by any integer (it need not name an
 * existing job) and is hidden once its {@code expires_at <= now}, but stays in
 * {@code _honker_results} until swept.
 */
final class ResultFunctions {

	/** Inserts or replaces a result; a replacement keeps the first save's created_at. */
	private static final String SAVE = """
			INSERT INTO _honker_results (job_id, value, expires_at)
			VALUES (?1, ?2, CASE WHEN ?3 > 0 THEN unixepoch() + ?3 END)
			ON CONFLICT (job_id) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at""";

	private static final String GET = """
			SELECT value FROM _honker_results
			 WHERE job_id = ?1 AND (expires_at IS NULL OR expires_at > unixepoch())""";

	private static final String SWEEP = "DELETE FROM _honker_results WHERE expires_at IS NOT NULL AND expires_at <= unixepoch()";

	private ResultFunctions() {
	}

	static void register(FunctionRegistrar registrar) throws SQLException {
		registrar.define("honker_result_save", List.of("job_id", "value", "ttl_s"), f -> {
			f.statements().update(SAVE, f.integer(0), f.text(1), HonkerTime.relative("ttl_s", f.integer(2)));
			f.resultLong(1);
		});
		registrar.define("honker_result_get", List.of("job_id"),
				f -> f.resultText(f.statements().queryFirst(GET, row -> row.getString(1), f.integer(0))));
		registrar.define("honker_result_sweep", List.of(), f -> f.resultLong(f.statements().update(SWEEP)));
	}

}
