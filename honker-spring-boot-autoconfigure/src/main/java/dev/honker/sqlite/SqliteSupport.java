package dev.honker.sqlite;

import java.util.Collection;
import java.util.StringJoiner;

/**
 * Small helpers that every layer above shares when it talks to SQLite and to Honker's
 * functions.
 */
public final class SqliteSupport {

	private SqliteSupport() {
	}

	/**
	 * A JSON array of job ids, as {@code honker_ack_batch} and {@code json_each} take
	 * them: {@code [1,2,3]}.
	 * @param ids the ids
	 * @return the JSON text
	 */
	public static String jsonIds(Collection<Long> ids) {
		StringJoiner joiner = new StringJoiner(",", "[", "]");
		ids.forEach(id -> joiner.add(Long.toString(id)));
		return joiner.toString();
	}

}
