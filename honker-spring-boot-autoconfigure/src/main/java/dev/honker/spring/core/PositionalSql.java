package dev.honker.spring.core;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A statement written with SQLite's numbered parameters ({@code ?1}, {@code ?2}, each
 * usable several times) in the positional form that every JDBC driver understands: each
 * {@code ?N} becomes {@code ?}, and {@link #arguments} repeats the values in the order
 * the placeholders appear. The statements it is used on have no {@code ?} inside string
 * literals.
 *
 * @param sql the statement with positional parameters
 * @param order for each positional parameter, the number of the numbered one it stands
 * for
 */
record PositionalSql(String sql, int[] order) {

	private static final Pattern NUMBERED = Pattern.compile("\\?(\\d+)");

	static PositionalSql of(String numbered) {
		Matcher matcher = NUMBERED.matcher(numbered);
		List<Integer> order = new ArrayList<>();
		StringBuilder sql = new StringBuilder();
		while (matcher.find()) {
			order.add(Integer.parseInt(matcher.group(1)));
			matcher.appendReplacement(sql, "?");
		}
		matcher.appendTail(sql);
		return new PositionalSql(sql.toString(), order.stream().mapToInt(Integer::intValue).toArray());
	}

	/** The positional arguments for the values of {@code ?1}, {@code ?2}, ... */
	Object[] arguments(Object... numbered) {
		Object[] positional = new Object[this.order.length];
		for (int i = 0; i < this.order.length; i++) {
			positional[i] = numbered[this.order[i] - 1];
		}
		return positional;
	}

}
