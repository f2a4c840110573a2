package dev.honker.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;

import dev.honker.sqlite.HonkerFunctions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.util.PSQLException;

/**
 * {@code honker_cron_next_after} in PL/pgSQL against the SQLite implementation
 * ({@code dev.honker.sqlite}, pinned rule by rule by {@code CronExpressionTests}): for
 * every expression of the grammar, valid or not, from instants around daylight-saving
 * changes in several zones, both return the same boundary or the same error message. The
 * SQLite function computes in the JVM's zone, the PostgreSQL one in the session's
 * {@code TimeZone}; the test sets both.
 */
class PostgresCronTests {

	private static final List<String> EXPRESSIONS = List.of("* * * * *", "*/5 * * * *", "0 3 * * *", " 0 3 * * * ",
			"0\t3\t*\t*\t*", "30 2 * * *", "30 1 * * *", "0 * * * * *", "*/10 * * * * *", "59 59 23 31 12 6",
			"0 0 29 2 *", "0 0 29 2 1", "0 0 31 4,6,9,11 *", "0 12 * * 1", "0,30 * * * *", "0-30/10 * * * *",
			"1,2,3-5,10-50/20 * * * *", "5/15 * * * *", "007 * * * *", "+5 * * * *", "*/+5 * * * *",
			"0-59 0-23 1-31 1-12 0-6", "59 23 31 12 6", "0 0 0 1 1 0", "0 12 30 12 *", "@every 1s", "@every1s",
			"  @every   10s  ", "@every 5m", "@every 2h", "@every 1d", "@every 007s", "0 0 30 2 *", "* * *",
			"* * * * * * *", "", "@daily", "@every", "@every 0s", "@every 000m", "@every 5", "@every s", "@every 1w",
			"@every -1s", "@every 1m30s", "@every 99999999999999999999s", "@every 9223372036854775807d",
			"@every 9223372036854775807s", "60 * * * *", "* 24 * * *", "* * 32 * *", "* * * 13 *", "* * * * 7",
			"5-1 * * * *", "*/0 * * * *", "*/x * * * *", "*/-1 * * * *", "*/5/2 * * * *", "5/ * * * *",
			"*/4294967296 * * * *", "4294967296 * * * *", "1-x * * * *", "*-5 * * * *", "x/0 * * * *", "L * * * *",
			"MON * * * *", "? * * * *", "1#2 * * * *", "15W * * * *", "jan * * * *", "\u0007 \"q\" \\ * *",
			"0" + "\u00a0" + "3 * * *");

	private static final List<String> ZONES = List.of("UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe",
			"Pacific/Apia", "Asia/Kolkata");

	private static final List<LocalDateTime> LOCAL_STARTS = List.of(LocalDateTime.parse("2026-03-08T00:00:00"),
			LocalDateTime.parse("2026-03-08T01:59:59"), LocalDateTime.parse("2026-03-29T00:30:00"),
			LocalDateTime.parse("2026-10-25T00:59:00"), LocalDateTime.parse("2026-11-01T01:10:00"),
			LocalDateTime.parse("2026-11-01T01:59:00"), LocalDateTime.parse("2026-04-05T01:45:00"),
			LocalDateTime.parse("2011-12-29T12:00:00"), LocalDateTime.parse("2026-12-31T23:59:59"),
			LocalDateTime.parse("2027-02-28T12:00:00"));

	@TempDir
	Path directory;

	Connection sqlite;

	Connection postgres;

	TimeZone defaultZone;

	@BeforeEach
	void open() throws SQLException {
		this.defaultZone = TimeZone.getDefault();
		this.sqlite = DriverManager.getConnection("jdbc:sqlite:" + this.directory.resolve("cron.db"));
		HonkerFunctions.register(this.sqlite);
		this.postgres = PostgresTestDatabase.open();
	}

	@AfterEach
	void close() throws SQLException {
		TimeZone.setDefault(this.defaultZone);
		this.sqlite.close();
		this.postgres.close();
	}

	@Test
	void everyExpressionGivesTheSameBoundaryOrErrorInEveryZone() throws Exception {
		List<String> differences = new ArrayList<>();
		int compared = 0;
		for (String zone : ZONES) {
			TimeZone.setDefault(TimeZone.getTimeZone(zone));
			PostgresTestDatabase.queryString(this.postgres, "SELECT set_config('TimeZone', ?, false)", zone);
			for (LocalDateTime start : LOCAL_STARTS) {
				long from = start.atZone(ZoneId.of(zone)).toEpochSecond();
				for (String expression : EXPRESSIONS) {
					String expected = sqliteNext(expression, from);
					String actual = postgresNext(expression, from);
					compared++;
					if (!expected.equals(actual)) {
						differences.add(zone + " from " + start + " '" + expression + "': SQLite " + expected
								+ ", PostgreSQL " + actual);
					}
				}
			}
		}
		assertThat(differences).isEmpty();
		assertThat(compared).isEqualTo(ZONES.size() * LOCAL_STARTS.size() * EXPRESSIONS.size());
	}

	@Test
	void theRangeOfFromAndOverflowsGiveTheSameErrors() throws Exception {
		for (long from : new long[] { -62_135_596_800L, 253_402_300_799L, 253_402_300_800L, -62_135_596_801L }) {
			for (String expression : List.of("* * * * *", "@every 1s", "@every 9223372036854775807s")) {
				assertThat(postgresNext(expression, from)).as(expression + " from " + from)
					.isEqualTo(sqliteNext(expression, from));
			}
		}
	}

	@Test
	void aCronWithoutAMatchWithinAHundredYearsNamesTheLocalStart() throws Exception {
		TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
		PostgresTestDatabase.queryString(this.postgres, "SELECT set_config('TimeZone', 'UTC', false)");

		assertThat(postgresNext("0 0 30 2 *", 0)).isEqualTo(
				"honker_cron_next_after: no schedule match found within 100 years after local datetime 1970-01-01T00:00:00");
		assertThat(sqliteNext("0 0 30 2 *", 0)).isEqualTo(postgresNext("0 0 30 2 *", 0));
	}

	private String sqliteNext(String expression, long from) {
		try (PreparedStatement statement = this.sqlite.prepareStatement("SELECT honker_cron_next_after(?, ?)")) {
			statement.setString(1, expression);
			statement.setLong(2, from);
			try (ResultSet rows = statement.executeQuery()) {
				rows.next();
				return String.valueOf(rows.getLong(1));
			}
		}
		catch (SQLException ex) {
			String message = ex.getMessage();
			String error = message.substring(message.indexOf("honker_cron_next_after: "));
			return error.endsWith(")") ? error.substring(0, error.length() - 1) : error;
		}
	}

	private String postgresNext(String expression, long from) throws SQLException {
		try (PreparedStatement statement = this.postgres.prepareStatement("SELECT honker_cron_next_after(?, ?)")) {
			statement.setString(1, expression);
			statement.setLong(2, from);
			try (ResultSet rows = statement.executeQuery()) {
				rows.next();
				return String.valueOf(rows.getLong(1));
			}
		}
		catch (PSQLException ex) {
			return ex.getServerErrorMessage().getMessage();
		}
	}

}
