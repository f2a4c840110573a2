package dev.honker.sqlite;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A Honker 0.4 schedule expression: 5-field cron ({@code minute hour dom month dow}),
 * 6-field cron ({@code second minute hour dom month dow}) or an interval
 * ({@code @every <n><unit>}, unit one of {@code s m h d}).
 *
 * <p>
 * The grammar is deliberately small and differs from Vixie cron: day of week is 0-6 (7 is
 * rejected), {@code N/STEP} means only {@code N}, and day of month and day of week must
 * both match. There are no names, no {@code ? L W #} and no {@code @daily}-style macros.
 * Errors carry the same messages as the reference implementation.
 *
 * <p>
 * Cron boundaries are searched in local time of a zone (the SQL functions use the system
 * zone): strictly after the starting instant, at most 100 years ahead. A local time that
 * happens twice (clocks going back) is the earliest of its instants that lies after the
 * start; a local time that does not exist (clocks going forward) becomes the first valid
 * time after the gap. An interval fires {@code n} units after the start, not aligned to
 * any boundary.
 */
final class CronExpression {

	/** Unicode White_Space, as the reference implementation trims and splits. */
	private static final Pattern WHITESPACE = Pattern.compile("\\p{IsWhite_Space}+");

	private static final Pattern OUTER_WHITESPACE = Pattern.compile("^\\p{IsWhite_Space}+|\\p{IsWhite_Space}+$");

	private static final String EVERY = "@every";

	private static final int SEARCH_YEARS = 100;

	private static final DateTimeFormatter LOCAL_DATE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

	private final String text;

	private final long intervalSeconds;

	private final long seconds;

	private final long minutes;

	private final long hours;

	private final long daysOfMonth;

	private final long months;

	private final long daysOfWeek;

	/**
	 * {@code fields} are the bit masks of second, minute, hour, day of month, month, day
	 * of week.
	 */
	private CronExpression(String text, long intervalSeconds, long... fields) {
		this.text = text;
		this.intervalSeconds = intervalSeconds;
		this.seconds = fields[0];
		this.minutes = fields[1];
		this.hours = fields[2];
		this.daysOfMonth = fields[3];
		this.months = fields[4];
		this.daysOfWeek = fields[5];
	}

	/**
	 * Parses an expression.
	 * @throws FunctionException with the reference implementation's message if the
	 * expression is invalid
	 */
	static CronExpression parse(String text) {
		String expression = OUTER_WHITESPACE.matcher(text).replaceAll("");
		if (expression.startsWith(EVERY)) {
			String body = OUTER_WHITESPACE.matcher(expression.substring(EVERY.length())).replaceAll("");
			return new CronExpression(text, parseInterval(body), 0, 0, 0, 0, 0, 0);
		}
		String[] parts = expression.isEmpty() ? new String[0] : WHITESPACE.split(expression);
		if (parts.length == 5) {
			return new CronExpression(text, 0, 1L, parseField(parts[0], 0, 59), parseField(parts[1], 0, 23),
					parseField(parts[2], 1, 31), parseField(parts[3], 1, 12), parseField(parts[4], 0, 6));
		}
		if (parts.length == 6) {
			return new CronExpression(text, 0, parseField(parts[0], 0, 59), parseField(parts[1], 0, 59),
					parseField(parts[2], 0, 23), parseField(parts[3], 1, 31), parseField(parts[4], 1, 12),
					parseField(parts[5], 0, 6));
		}
		throw new FunctionException("schedule expression requires 5 or 6 cron fields, or '@every <n><unit>'; got "
				+ parts.length + ": " + quoted(expression));
	}

	/**
	 * The first boundary strictly after {@code fromEpochSecond}, as Unix seconds.
	 * @throws FunctionException if no boundary exists within 100 years or the result
	 * overflows
	 */
	long nextAfter(long fromEpochSecond, ZoneId zone) {
		if (intervalSeconds > 0) {
			try {
				return Math.addExact(fromEpochSecond, intervalSeconds);
			}
			catch (ArithmeticException e) {
				throw new FunctionException("next interval overflows unix timestamp for " + quoted(text));
			}
		}
		try {
			ZoneRules rules = zone.getRules();
			LocalDateTime from = LocalDateTime.ofInstant(Instant.ofEpochSecond(fromEpochSecond), zone);
			LocalDateTime after = from;
			while (true) {
				LocalDateTime candidate = nextLocalMatch(after, from);
				List<ZoneOffset> offsets = rules.getValidOffsets(candidate);
				if (offsets.isEmpty()) {
					long firstValidAfterGap = rules.getTransition(candidate).getInstant().getEpochSecond();
					if (firstValidAfterGap > fromEpochSecond) {
						return firstValidAfterGap;
					}
				}
				for (ZoneOffset offset : offsets) {
					long instant = candidate.toEpochSecond(offset);
					if (instant > fromEpochSecond) {
						return instant;
					}
				}
				after = candidate;
			}
		}
		catch (DateTimeException e) {
			throw new FunctionException("invalid timestamp: " + fromEpochSecond);
		}
	}

	/**
	 * The earliest local date-time strictly after {@code after} that matches every field.
	 */
	private LocalDateTime nextLocalMatch(LocalDateTime after, LocalDateTime from) {
		LocalDateTime c = after.plusSeconds(1);
		int lastYear = c.getYear() + SEARCH_YEARS;
		while (c.getYear() <= lastYear) {
			int month = c.getMonthValue();
			if (!contains(months, month)) {
				int next = nextIn(months, month);
				c = next < 0 ? LocalDateTime.of(c.getYear() + 1, first(months), 1, 0, 0)
						: LocalDateTime.of(c.getYear(), next, 1, 0, 0);
				continue;
			}
			int day = c.getDayOfMonth();
			if (!contains(daysOfMonth, day)) {
				int next = nextIn(daysOfMonth, day);
				c = next < 0 || next > c.toLocalDate().lengthOfMonth()
						? c.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay()
						: c.toLocalDate().withDayOfMonth(next).atStartOfDay();
				continue;
			}
			if (!contains(daysOfWeek, c.getDayOfWeek().getValue() % 7)) {
				c = c.toLocalDate().plusDays(1).atStartOfDay();
				continue;
			}
			int hour = c.getHour();
			if (!contains(hours, hour)) {
				int next = nextIn(hours, hour);
				c = next < 0 ? c.toLocalDate().plusDays(1).atStartOfDay() : c.toLocalDate().atTime(next, 0);
				continue;
			}
			int minute = c.getMinute();
			if (!contains(minutes, minute)) {
				int next = nextIn(minutes, minute);
				c = next < 0 ? c.truncatedTo(ChronoUnit.HOURS).plusHours(1) : c.withMinute(next).withSecond(0);
				continue;
			}
			int second = c.getSecond();
			if (!contains(seconds, second)) {
				int next = nextIn(seconds, second);
				c = next < 0 ? c.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1) : c.withSecond(next);
				continue;
			}
			return c;
		}
		throw new FunctionException(
				"no schedule match found within 100 years after local datetime " + from.format(LOCAL_DATE_TIME));
	}

	private static long parseInterval(String body) {
		if (body.isEmpty()) {
			throw new FunctionException("interval expression must be '@every <n><unit>'");
		}
		int digits = 0;
		while (digits < body.length() && isAsciiDigit(body.charAt(digits))) {
			digits++;
		}
		if (digits == 0 || digits == body.length()) {
			throw new FunctionException("interval expression must be '@every <n><unit>'; got " + quoted(body));
		}
		long count;
		try {
			count = Long.parseLong(body.substring(0, digits));
		}
		catch (NumberFormatException e) {
			throw new FunctionException("interval count must be an integer: " + quoted(body));
		}
		if (count <= 0) {
			throw new FunctionException("interval count must be positive: " + quoted(body));
		}
		String unit = body.substring(digits);
		long unitSeconds = switch (unit) {
			case "s" -> 1;
			case "m" -> 60;
			case "h" -> 3_600;
			case "d" -> 86_400;
			default -> throw new FunctionException(
					"unsupported interval unit " + quoted(unit) + "; expected one of s, m, h, d");
		};
		try {
			return Math.multiplyExact(count, unitSeconds);
		}
		catch (ArithmeticException e) {
			throw new FunctionException("interval is too large: " + quoted(body));
		}
	}

	/**
	 * The set of values of one cron field, as a bit mask (bit {@code v} set when
	 * {@code v} matches).
	 */
	private static long parseField(String field, int low, int high) {
		long mask = 0;
		for (String part : field.split(",", -1)) {
			int slash = part.indexOf('/');
			String range = slash < 0 ? part : part.substring(0, slash);
			long step = 1;
			if (slash >= 0) {
				step = unsigned(part.substring(slash + 1));
				if (step < 0) {
					throw new FunctionException("cron step must be a positive integer: " + quoted(part));
				}
				if (step == 0) {
					throw new FunctionException("cron step must be positive: " + quoted(part));
				}
			}
			long start;
			long end;
			int dash = range.indexOf('-');
			if (range.equals("*")) {
				start = low;
				end = high;
			}
			else if (dash >= 0) {
				start = unsigned(range.substring(0, dash));
				end = unsigned(range.substring(dash + 1));
			}
			else {
				start = unsigned(range);
				end = start;
			}
			if (start < 0 || end < 0) {
				throw new FunctionException("cron field " + quoted(part) + " not an integer");
			}
			if (start < low || end > high || start > end) {
				throw new FunctionException(
						"cron field " + quoted(part) + " out of range [" + low + "," + high + "] or inverted");
			}
			for (long v = start; v <= end; v += step) {
				mask |= 1L << v;
			}
		}
		return mask;
	}

	/**
	 * A 32-bit unsigned integer with an optional leading {@code +}, or -1 when the text
	 * is not one.
	 */
	private static long unsigned(String text) {
		int start = text.startsWith("+") ? 1 : 0;
		if (start == text.length()) {
			return -1;
		}
		long value = 0;
		for (int i = start; i < text.length(); i++) {
			char c = text.charAt(i);
			value = value * 10 + (c - '0');
			if (!isAsciiDigit(c) || value > 0xFFFF_FFFFL) {
				return -1;
			}
		}
		return value;
	}

	private static boolean isAsciiDigit(char c) {
		return c >= '0' && c <= '9';
	}

	private static boolean contains(long mask, int value) {
		return (mask >>> value & 1) != 0;
	}

	/** The smallest value in the mask that is at least {@code value}, or -1. */
	private static int nextIn(long mask, int value) {
		long candidates = mask & (-1L << value);
		return candidates == 0 ? -1 : Long.numberOfTrailingZeros(candidates);
	}

	private static int first(long mask) {
		return Long.numberOfTrailingZeros(mask);
	}

	/**
	 * Text in double quotes as the reference implementation's error messages quote it
	 * (Rust's {@code {:?}} format). It is not JSON: NUL becomes backslash-zero and other
	 * control characters become a braced hexadecimal unicode escape, where
	 * {@link JsonText} writes six-character escapes.
	 */
	private static String quoted(String text) {
		StringBuilder out = new StringBuilder(text.length() + 2).append('"');
		text.codePoints().forEach(c -> {
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				case 0 -> out.append("\\0");
				default -> {
					if (Character.isISOControl(c)) {
						out.append("\\u{").append(Integer.toHexString(c)).append('}');
					}
					else {
						out.appendCodePoint(c);
					}
				}
			}
		});
		return out.append('"').toString();
	}

}
