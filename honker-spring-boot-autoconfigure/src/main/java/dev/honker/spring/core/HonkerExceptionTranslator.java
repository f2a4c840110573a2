package dev.honker.spring.core;

import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import dev.honker.sqlite.SqliteSupport;

import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.support.SQLExceptionTranslator;
import org.jspecify.annotations.Nullable;

/**
 * Turns the errors of {@code SELECT honker_*(...)} calls, and of statements that do a
 * function's work under its name as the task, into {@link HonkerFunctionException}s
 * naming the function, and SQLite's busy and locked errors into
 * {@link CannotAcquireLockException}; anything else goes to Spring's usual translation.
 * Public so that other Honker APIs running their own {@code JdbcTemplate} (the
 * scheduler's, for example) report errors the same way as {@link HonkerTemplate}.
 */
public final class HonkerExceptionTranslator implements SQLExceptionTranslator {

	private static final Pattern CALLED_FUNCTION = Pattern.compile("^SELECT (honker_\\w+|notify)\\(");

	/**
	 * The SQLSTATE of PostgreSQL's {@code RAISE EXCEPTION}, with which the PostgreSQL
	 * functions reject bad arguments.
	 */
	private static final String RAISED_BY_FUNCTION = "P0001";

	private static final Pattern FUNCTION_NAME = Pattern.compile("honker_\\w+|notify");

	private final SQLExceptionTranslator fallback;

	/**
	 * Creates a translator.
	 * @param fallback the translation of errors that are not Honker's
	 */
	public HonkerExceptionTranslator(SQLExceptionTranslator fallback) {
		this.fallback = fallback;
	}

	@Override
	public @Nullable DataAccessException translate(String task, @Nullable String sql, SQLException ex) {
		if (ex instanceof SQLiteException sqlite) {
			int primaryCode = sqlite.getResultCode().code & 0xff;
			String message = SqliteSupport.sqliteMessage(sqlite);
			if (SqliteSupport.isBusyOrLocked(sqlite)
					|| (primaryCode == SQLiteErrorCode.SQLITE_ERROR.code && busyInsideFunction(message))) {
				return new CannotAcquireLockException(task + " failed, the database is busy: " + message, ex);
			}
			String function = functionName(task, sql);
			if (primaryCode == SQLiteErrorCode.SQLITE_ERROR.code && function != null) {
				return new HonkerFunctionException(function, message, ex);
			}
		}
		else if (RAISED_BY_FUNCTION.equals(ex.getSQLState())) {
			String function = functionName(task, sql);
			if (function != null) {
				return new HonkerFunctionException(function, ex.getMessage(), ex);
			}
		}
		return this.fallback.translate(task, sql, ex);
	}

	/**
	 * The function named by the task (a statement that does a function's work, such as
	 * the enqueue's INSERT) or called by the SQL, or {@code null}.
	 */
	private static String functionName(String task, String sql) {
		if (task != null && FUNCTION_NAME.matcher(task).matches()) {
			return task;
		}
		Matcher called = (sql != null) ? CALLED_FUNCTION.matcher(sql) : null;
		return (called != null && called.find()) ? called.group(1) : null;
	}

	/** A nested statement of a Honker function that found the database busy or locked. */
	private static boolean busyInsideFunction(String message) {
		return message.contains("[SQLITE_BUSY") || message.contains("[SQLITE_LOCKED")
				|| message.contains("database is locked") || message.contains("database table is locked");
	}

}
