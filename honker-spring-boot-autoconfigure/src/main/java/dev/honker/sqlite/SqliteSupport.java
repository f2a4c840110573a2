package dev.honker.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.StringJoiner;

import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.jspecify.annotations.Nullable;

/**
 * The helpers every layer shares when it talks to SQLite through sqlite-jdbc and to
 * Honker's functions: finding the sqlite-jdbc connection behind a pooled one, reading
 * sqlite-jdbc's errors, and writing job id lists.
 */
public final class SqliteSupport {

	private SqliteSupport() {
	}

	/**
	 * The sqlite-jdbc connection behind a connection, which may be a pool's proxy.
	 * @param connection any JDBC connection
	 * @return the sqlite-jdbc connection, or {@code null} if another driver made it
	 * @throws SQLException if the connection cannot be unwrapped
	 */
	public static @Nullable SQLiteConnection sqliteConnection(Connection connection) throws SQLException {
		if (connection instanceof SQLiteConnection sqlite) {
			return sqlite;
		}
		return connection.isWrapperFor(SQLiteConnection.class) ? connection.unwrap(SQLiteConnection.class) : null;
	}

	/**
	 * Whether SQLite refused a statement because another connection holds a lock
	 * ({@code SQLITE_BUSY} or {@code SQLITE_LOCKED}, with any extended code).
	 * @param ex an error of sqlite-jdbc
	 * @return whether trying again later may succeed
	 */
	public static boolean isBusyOrLocked(SQLException ex) {
		if (ex instanceof SQLiteException sqlite) {
			int primary = sqlite.getResultCode().code & 0xff;
			return primary == SQLiteErrorCode.SQLITE_BUSY.code || primary == SQLiteErrorCode.SQLITE_LOCKED.code;
		}
		return false;
	}

	/**
	 * What SQLite said, without sqlite-jdbc's wrapping: the {@code malformed JSON} of
	 * {@code [SQLITE_ERROR] SQL error or missing database (malformed JSON)}.
	 * @param ex an error of sqlite-jdbc, or of any driver
	 * @return SQLite's own message, or the whole message when it is not wrapped
	 */
	public static String sqliteMessage(SQLException ex) {
		String message = String.valueOf(ex.getMessage());
		if (ex instanceof SQLiteException sqlite) {
			String code = sqlite.getResultCode().toString();
			int reason = message.indexOf(" (", code.length());
			if (message.startsWith(code) && message.endsWith(")") && reason >= 0) {
				return message.substring(reason + 2, message.length() - 1);
			}
		}
		return message;
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
