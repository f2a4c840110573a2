package dev.honker.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CronExpressionTests {

	private static final ZoneId UTC = ZoneId.of("UTC");

	private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

	@ParameterizedTest
	@ValueSource(strings = { "* * * * *", "*/5 * * * *", "0-30/10 * * * *", "0,30 * * * *", "0 12 * * 1", "0 0 1 1 0",
			"59 23 31 12 6", "0-59 0-23 1-31 1-12 0-6", "5/15 * * * *", "*/+5 * * * *", "+5 * * * *", "007 * * * *",
			"1,2,3-5,10-50/20 * * * *", "0 0 29 2 *", " 0 3 * * * ", "0\t3\t*\t*\t*", "*/10 * * * * *", "0 0 0 1 1 0",
			"59 59 23 31 12 6", "@every 1s", "@every 5m", "@every 2h", "@every 1d", "@every1s", "  @every   10s  ",
			"@every 007s", })
	void acceptsTheGrammar(String expression) {
		assertThatCode(() -> CronExpression.parse(expression)).doesNotThrowAnyException();
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '`',
			textBlock = """
					* * * *              | schedule expression requires 5 or 6 cron fields, or '@every <n><unit>'; got 4: "* * * *"
					* * *                | schedule expression requires 5 or 6 cron fields, or '@every <n><unit>'; got 3: "* * *"
					* * * * * * *        | schedule expression requires 5 or 6 cron fields, or '@every <n><unit>'; got 7: "* * * * * * *"
					``                   | schedule expression requires 5 or 6 cron fields, or '@every <n><unit>'; got 0: ""
					`   `                | schedule expression requires 5 or 6 cron fields, or '@every <n><unit>'; got 0: ""
					`  * *  `            | schedule expression requires 5 or 6 cron fields, or '@every <n><unit>'; got 2: "* *"
					@daily               | schedule expression requires 5 or 6 cron fields, or '@every <n><unit>'; got 1: "@daily"
					@hourly              | schedule expression requires 5 or 6 cron fields, or '@every <n><unit>'; got 1: "@hourly"
					a"b * *              | schedule expression requires 5 or 6 cron fields, or '@every <n><unit>'; got 3: "a\\"b * *"
					@every               | interval expression must be '@every <n><unit>'
					`@every   `          | interval expression must be '@every <n><unit>'
					@every s             | interval expression must be '@every <n><unit>'; got "s"
					@every 10            | interval expression must be '@every <n><unit>'; got "10"
					@every -1s           | interval expression must be '@every <n><unit>'; got "-1s"
					@everyday            | interval expression must be '@every <n><unit>'; got "day"
					@every 0s            | interval count must be positive: "0s"
					@every 000m          | interval count must be positive: "000m"
					@every 99999999999999999999s | interval count must be an integer: "99999999999999999999s"
					@every 5w            | unsupported interval unit "w"; expected one of s, m, h, d
					@every 5S            | unsupported interval unit "S"; expected one of s, m, h, d
					@every 1m30s         | unsupported interval unit "m30s"; expected one of s, m, h, d
					@every 1 s           | unsupported interval unit " s"; expected one of s, m, h, d
					@every 5s extra      | unsupported interval unit "s extra"; expected one of s, m, h, d
					@every 9223372036854775807d | interval is too large: "9223372036854775807d"
					60 * * * *           | cron field "60" out of range [0,59] or inverted
					* 24 * * *           | cron field "24" out of range [0,23] or inverted
					* * 0 * *            | cron field "0" out of range [1,31] or inverted
					* * 32 * *           | cron field "32" out of range [1,31] or inverted
					* * * 0 *            | cron field "0" out of range [1,12] or inverted
					* * * 13 *           | cron field "13" out of range [1,12] or inverted
					* * * * 7            | cron field "7" out of range [0,6] or inverted
					* * * * 0-7          | cron field "0-7" out of range [0,6] or inverted
					60 * * * * *         | cron field "60" out of range [0,59] or inverted
					* 60 * * * *         | cron field "60" out of range [0,59] or inverted
					* * 24 * * *         | cron field "24" out of range [0,23] or inverted
					30-10 * * * *        | cron field "30-10" out of range [0,59] or inverted
					0,5-1 * * * *        | cron field "5-1" out of range [0,59] or inverted
					59-60/2 * * * *      | cron field "59-60/2" out of range [0,59] or inverted
					*/0 * * * *          | cron step must be positive: "*/0"
					10-20/0 * * * *      | cron step must be positive: "10-20/0"
					x/0 * * * *          | cron step must be positive: "x/0"
					*/x * * * *          | cron step must be a positive integer: "*/x"
					*/-1 * * * *         | cron step must be a positive integer: "*/-1"
					5/ * * * *           | cron step must be a positive integer: "5/"
					*/5/2 * * * *        | cron step must be a positive integer: "*/5/2"
					*/4294967296 * * * * | cron step must be a positive integer: "*/4294967296"
					x * * * *            | cron field "x" not an integer
					1-x * * * *          | cron field "1-x" not an integer
					-5 * * * *           | cron field "-5" not an integer
					*-5 * * * *          | cron field "*-5" not an integer
					1,,2 * * * *         | cron field "" not an integer
					4294967296 * * * *   | cron field "4294967296" not an integer
					* * * jan *          | cron field "jan" not an integer
					* * * * MON          | cron field "MON" not an integer
					0 0 ? * *            | cron field "?" not an integer
					0 0 L * *            | cron field "L" not an integer
					0 0 15W * *          | cron field "15W" not an integer
					0 0 * * 1#2          | cron field "1#2" not an integer
					""")
	void rejectsWithTheReferenceMessage(String expression, String message) {
		assertThatThrownBy(() -> CronExpression.parse(expression)).isInstanceOf(FunctionException.class)
			.hasMessage(message);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			* * * * *        | 2026-04-19T12:30:00 | 2026-04-19T12:31:00
			* * * * *        | 2026-04-19T12:30:59 | 2026-04-19T12:31:00
			*/5 * * * *      | 2026-04-19T12:30:00 | 2026-04-19T12:35:00
			0 * * * *        | 2026-04-19T10:05:03 | 2026-04-19T11:00:00
			0 * * * *        | 2026-04-19T23:59:59 | 2026-04-20T00:00:00
			0 3 * * *        | 2026-04-19T10:00:00 | 2026-04-20T03:00:00
			0 3 * * *        | 2026-04-19T03:00:00 | 2026-04-20T03:00:00
			0 3 * * *        | 2026-04-19T02:59:59 | 2026-04-19T03:00:00
			0-30/10 * * * *  | 2026-04-19T12:05:00 | 2026-04-19T12:10:00
			0-30/10 * * * *  | 2026-04-19T12:30:00 | 2026-04-19T13:00:00
			0,30 * * * *     | 2026-04-19T12:10:00 | 2026-04-19T12:30:00
			5/15 * * * *     | 2026-04-19T12:05:00 | 2026-04-19T13:05:00
			0 12 * * 1       | 2026-04-19T00:00:00 | 2026-04-20T12:00:00
			0 12 * * 0       | 2026-04-20T00:00:00 | 2026-04-26T12:00:00
			0 0 13 * 5       | 2026-01-01T00:00:00 | 2026-02-13T00:00:00
			0 0 31 * *       | 2026-04-01T00:00:00 | 2026-05-31T00:00:00
			0 0 29 2 *       | 2026-03-01T00:00:00 | 2028-02-29T00:00:00
			0 0 1 1 *        | 2026-12-31T23:59:59 | 2027-01-01T00:00:00
			59 23 31 12 *    | 2026-06-01T00:00:00 | 2026-12-31T23:59:00
			30 9 * 1,7 1-5   | 2026-02-01T00:00:00 | 2026-07-01T09:30:00
			*/10 * * * * *   | 2026-04-19T12:30:05 | 2026-04-19T12:30:10
			* * * * * *      | 2026-12-31T23:59:59 | 2027-01-01T00:00:00
			30 * * * * *     | 2026-04-19T12:30:30 | 2026-04-19T12:31:30
			0 0 0 1 1 *      | 2026-04-19T12:30:30 | 2027-01-01T00:00:00
			@every 1s        | 2026-04-19T12:30:05 | 2026-04-19T12:30:06
			@every 90m       | 2026-04-19T12:30:05 | 2026-04-19T14:00:05
			@every 2d        | 2026-04-19T12:30:05 | 2026-04-21T12:30:05
			""")
	void nextAfterInUtc(String expression, LocalDateTime from, LocalDateTime expected) {
		long next = CronExpression.parse(expression).nextAfter(utc(from), UTC);
		assertThat(next).isEqualTo(utc(expected));
	}

	@Test
	void nextAfterWorksBeforeTheEpoch() {
		assertThat(CronExpression.parse("0 0 * * *").nextAfter(-1, UTC)).isZero();
		assertThat(CronExpression.parse("@every 5s").nextAfter(-10, UTC)).isEqualTo(-5);
	}

	@Test
	void impossibleScheduleGivesUpAfterOneHundredYears() {
		assertThatThrownBy(() -> CronExpression.parse("0 0 30 2 *").nextAfter(0, UTC))
			.isInstanceOf(FunctionException.class)
			.hasMessage("no schedule match found within 100 years after local datetime 1970-01-01T00:00:00");
		assertThatThrownBy(() -> CronExpression.parse("0 0 31 4,6,9,11 *")
			.nextAfter(utc(LocalDateTime.parse("2026-04-19T12:30:05")), UTC))
			.hasMessage("no schedule match found within 100 years after local datetime 2026-04-19T12:30:05");
	}

	@Test
	void dayOfMonthAndDayOfWeekMustBothMatchAcrossYears() {
		// 29 February falls on a Monday in 2044, then in 2072 and 2112 (2100 is not a
		// leap year).
		CronExpression leapMonday = CronExpression.parse("0 0 29 2 1");
		assertThat(leapMonday.nextAfter(utc(LocalDateTime.parse("2026-01-01T00:00:00")), UTC))
			.isEqualTo(utc(LocalDateTime.parse("2044-02-29T00:00:00")));
		assertThat(leapMonday.nextAfter(utc(LocalDateTime.parse("2072-02-29T00:00:00")), UTC))
			.isEqualTo(utc(LocalDateTime.parse("2112-02-29T00:00:00")));
	}

	@Test
	void outOfRangeResultsAreErrorsNotCrashes() {
		assertThatThrownBy(() -> CronExpression.parse("@every 1s").nextAfter(Long.MAX_VALUE, UTC))
			.isInstanceOf(FunctionException.class)
			.hasMessage("next interval overflows unix timestamp for \"@every 1s\"");
		assertThatThrownBy(() -> CronExpression.parse(" @every 1s ").nextAfter(Long.MAX_VALUE, UTC))
			.hasMessage("next interval overflows unix timestamp for \" @every 1s \"");
		assertThatThrownBy(() -> CronExpression.parse("* * * * *").nextAfter(Long.MAX_VALUE, UTC))
			.isInstanceOf(FunctionException.class)
			.hasMessage("invalid timestamp: 9223372036854775807");
	}

	@Test
	void springForwardGapAdvancesToTheFirstValidTime() {
		// 2026-03-08: New York clocks jump from 02:00 EST to 03:00 EDT.
		long from = newYork("2026-03-08T01:59:59");
		assertThat(CronExpression.parse("0 * * * * *").nextAfter(from, NEW_YORK))
			.isEqualTo(newYork("2026-03-08T03:00:00"));
		// 02:30 does not exist that day: the schedule fires at the first valid second
		// instead.
		long nightly = CronExpression.parse("30 2 * * *").nextAfter(newYork("2026-03-08T00:00:00"), NEW_YORK);
		assertThat(nightly).isEqualTo(newYork("2026-03-08T03:00:00"));
		assertThat(CronExpression.parse("30 2 * * *").nextAfter(nightly, NEW_YORK))
			.isEqualTo(newYork("2026-03-09T02:30:00"));
	}

	@Test
	void gapOfAWholeDayAdvancesToTheFirstValidTime() {
		// Samoa skipped 30 December 2011 entirely.
		ZoneId apia = ZoneId.of("Pacific/Apia");
		long from = LocalDateTime.parse("2011-12-29T12:00:00").atZone(apia).toEpochSecond();
		assertThat(CronExpression.parse("0 12 30 12 *").nextAfter(from, apia))
			.isEqualTo(LocalDateTime.parse("2011-12-31T00:00:00").atZone(apia).toEpochSecond());
	}

	@Test
	void fallBackAmbiguityResolvesToTheEarliestInstant() {
		// 2026-11-01: New York clocks go back from 02:00 EDT to 01:00 EST, so 01:30
		// happens twice.
		long earliest = LocalDateTime.parse("2026-11-01T01:30:00").atOffset(ZoneOffset.ofHours(-4)).toEpochSecond();
		long nightly = CronExpression.parse("30 1 * * *").nextAfter(newYork("2026-11-01T00:00:00"), NEW_YORK);
		assertThat(nightly).isEqualTo(earliest);
		// Once a day: the repeated 01:30 does not fire again.
		assertThat(CronExpression.parse("30 1 * * *").nextAfter(nightly, NEW_YORK))
			.isEqualTo(newYork("2026-11-02T01:30:00"));
	}

	@Test
	void fallBackResultIsStillStrictlyAfterFrom() {
		// From 01:10 EST (the second 01:10), the next minute is 01:11 EST, not the
		// earlier 01:11 EDT.
		long from = LocalDateTime.parse("2026-11-01T01:10:00").atOffset(ZoneOffset.ofHours(-5)).toEpochSecond();
		assertThat(CronExpression.parse("0 * * * * *").nextAfter(from, NEW_YORK)).isEqualTo(from + 60);
		// The walk is in local time, so from 01:59 EDT the next minute is 02:00 EST, an
		// hour and a minute later.
		long lastEdtMinute = LocalDateTime.parse("2026-11-01T01:59:00")
			.atOffset(ZoneOffset.ofHours(-4))
			.toEpochSecond();
		assertThat(CronExpression.parse("0 * * * * *").nextAfter(lastEdtMinute, NEW_YORK))
			.isEqualTo(lastEdtMinute + 3660);
	}

	@Test
	void intervalsIgnoreTheZone() {
		long from = newYork("2026-03-08T01:59:59");
		assertThat(CronExpression.parse("@every 1s").nextAfter(from, NEW_YORK)).isEqualTo(from + 1);
		assertThat(CronExpression.parse("@every 1d").nextAfter(from, NEW_YORK)).isEqualTo(from + 86_400);
	}

	private static long utc(LocalDateTime local) {
		return local.toEpochSecond(ZoneOffset.UTC);
	}

	private static long newYork(String local) {
		ZonedDateTime zoned = LocalDateTime.parse(local).atZone(NEW_YORK);
		return zoned.toEpochSecond();
	}

}
