package dev.honker.sqlite;

import static dev.honker.sqlite.SqlAssertions.*;
import static dev.honker.sqlite.TestDatabase.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code honker_result_save}, {@code honker_result_get} and {@code honker_result_sweep}
 * (docs/compatibility.md, Locks, rate limits, results): TTL or no expiry, upsert keeping
 * created_at, expired results hidden until swept, values stored verbatim, transactions
 * and sharing between connections (argument typing: {@link StrictTypingTests}). Time
 * moves by rewriting {@code expires_at}, never by sleeping.
 */
class ResultFunctionsTests {

	@TempDir
	Path dir;

	Connection db;

	@BeforeEach
	void open() throws Exception {
		db = TestDatabase.open(dir.resolve("results.db"));
	}

	@AfterEach
	void close() throws Exception {
		db.close();
	}

	@Test
	void aResultSavedWithoutTtlNeverExpires() throws Exception {
		long before = now(db);
		assertThat(save(1, "{\"sum\":7}", 0)).isEqualTo(1);
		assertThat(get(1)).isEqualTo("{\"sum\":7}");
		List<Object> row = queryRows(db, "SELECT value, created_at, expires_at FROM _honker_results WHERE job_id = 1")
			.get(0);
		assertThat(row.get(0)).isEqualTo("{\"sum\":7}");
		assertThat(((Number) row.get(1)).longValue()).isBetween(before, now(db));
		assertThat(row.get(2)).isNull();

		assertThat(save(2, "2", -5)).isEqualTo(1);
		assertThat(queryString(db, "SELECT expires_at FROM _honker_results WHERE job_id = 2"))
			.as("a negative ttl also means no expiry")
			.isNull();
	}

	@Test
	void aMissingResultIsNull() throws Exception {
		assertThat(get(404)).isNull();
		assertThat(queryLong(db, "SELECT honker_result_get(404) IS NULL")).isEqualTo(1);
	}

	@Test
	void aStoredJsonNullIsTextNotSqlNull() throws Exception {
		save(3, "null", 0);
		assertThat(get(3)).isEqualTo("null");
		assertThat(queryString(db, "SELECT typeof(honker_result_get(3))")).isEqualTo("text");
	}

	@Test
	void aTtlSetsExpiresAtFromNow() throws Exception {
		long before = now(db);
		save(4, "\"ok\"", 3600);
		long expiresAt = queryLong(db, "SELECT expires_at FROM _honker_results WHERE job_id = 4");
		assertThat(expiresAt).isBetween(before + 3600, now(db) + 3600);
		assertThat(get(4)).isEqualTo("\"ok\"");
	}

	@Test
	void saveReplacesValueAndExpiryButKeepsCreatedAt() throws Exception {
		save(5, "\"first\"", 3600);
		execute(db, "UPDATE _honker_results SET created_at = 1000");

		save(5, "\"second\"", 0);
		assertThat(queryRows(db, "SELECT value, created_at, expires_at FROM _honker_results"))
			.containsExactly(Arrays.asList("\"second\"", 1000, null));
		assertThat(get(5)).isEqualTo("\"second\"");

		long before = now(db);
		save(5, "\"third\"", 60);
		assertThat(queryLong(db, "SELECT expires_at FROM _honker_results WHERE job_id = 5")).isBetween(before + 60,
				now(db) + 60);
		assertThat(queryLong(db, "SELECT created_at FROM _honker_results WHERE job_id = 5")).isEqualTo(1000);
	}

	@Test
	void anExpiredResultReadsAsMissingButStaysUntilSwept() throws Exception {
		save(6, "\"late\"", 60);
		execute(db, "UPDATE _honker_results SET expires_at = unixepoch() - 1");
		assertThat(get(6)).isNull();
		assertThat(queryLong(db, "SELECT count(*) FROM _honker_results")).isEqualTo(1);

		assertThat(queryLong(db, "SELECT honker_result_sweep()")).isEqualTo(1);
		assertThat(queryLong(db, "SELECT count(*) FROM _honker_results")).isZero();
		assertThat(queryLong(db, "SELECT honker_result_sweep()")).isZero();
	}

	@Test
	void aResultExpiresAtItsExpiryInstant() throws Exception {
		save(7, "\"edge\"", 60);
		execute(db, "UPDATE _honker_results SET expires_at = unixepoch() + 100");
		assertThat(get(7)).isEqualTo("\"edge\"");
		execute(db, "UPDATE _honker_results SET expires_at = unixepoch()");
		assertThat(get(7)).as("expires_at <= now is expired").isNull();
		assertThat(queryLong(db, "SELECT honker_result_sweep()")).isEqualTo(1);
	}

	@Test
	void sweepDeletesOnlyExpiredResults() throws Exception {
		save(1, "\"forever\"", 0);
		save(2, "\"future\"", 3600);
		save(3, "\"past\"", 60);
		save(4, "\"past too\"", 60);
		execute(db, "UPDATE _honker_results SET expires_at = unixepoch() - 10 WHERE job_id IN (3, 4)");

		assertThat(queryLong(db, "SELECT honker_result_sweep()")).isEqualTo(2);
		assertThat(queryRows(db, "SELECT job_id FROM _honker_results ORDER BY job_id")).containsExactly(List.of(1),
				List.of(2));
	}

	@Test
	void resultsAreNotTiedToJobs() throws Exception {
		save(-42, "\"negative id\"", 0);
		save(Long.MAX_VALUE, "\"largest id\"", 0);
		assertThat(get(-42)).isEqualTo("\"negative id\"");
		assertThat(get(Long.MAX_VALUE)).isEqualTo("\"largest id\"");
		assertThat(queryLong(db, "SELECT count(*) FROM _honker_live")).isZero();
	}

	@Test
	void valuesAreStoredAndReadVerbatimAcrossBindings() throws Exception {
		execute(db, "INSERT INTO _honker_results (job_id, value) VALUES (8, '{\"from\": \"py\"}')");
		assertThat(get(8)).isEqualTo("{\"from\": \"py\"}");

		String value = "{ \"from\" : \"jvm\", \"text\": \"line\\nbreak é\" }";
		save(9, value, 0);
		assertThat(queryString(db, "SELECT value FROM _honker_results WHERE job_id = 9")).isEqualTo(value);
		assertThat(get(9)).isEqualTo(value);
	}

	@Test
	void aRolledBackSaveLeavesNoResultAndACommittedOneStays() throws Exception {
		db.setAutoCommit(false);
		save(10, "\"rolled back\"", 0);
		assertThat(get(10)).as("visible inside its own transaction").isEqualTo("\"rolled back\"");
		db.rollback();
		assertThat(get(10)).isNull();
		assertThat(queryLong(db, "SELECT count(*) FROM _honker_results")).isZero();

		save(10, "\"committed\"", 0);
		assertError(db, "SELECT honker_result_save(11, NULL, 0)").hasMessageContaining("honker_result_save");
		db.commit();
		db.setAutoCommit(true);
		assertThat(get(10)).isEqualTo("\"committed\"");
	}

	@Test
	void twoConnectionsOnOneFileSeeEachOthersResults() throws Exception {
		try (Connection other = TestDatabase.open(dir.resolve("results.db"))) {
			save(12, "\"from db\"", 0);
			assertThat(queryString(other, "SELECT honker_result_get(12)")).isEqualTo("\"from db\"");
			queryLong(other, "SELECT honker_result_save(12, '\"from other\"', 60)");
			assertThat(get(12)).isEqualTo("\"from other\"");
			execute(db, "UPDATE _honker_results SET expires_at = unixepoch() - 1");
			assertThat(queryLong(other, "SELECT honker_result_sweep()")).isEqualTo(1);
			assertThat(get(12)).isNull();
		}
	}

	private long save(long jobId, String value, long ttl) throws Exception {
		return queryLong(db, "SELECT honker_result_save(?, ?, ?)", jobId, value, ttl);
	}

	private String get(long jobId) throws Exception {
		return queryString(db, "SELECT honker_result_get(?)", jobId);
	}

}
