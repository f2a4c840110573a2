package dev.honker.sqlite;

import java.sql.SQLException;
import java.util.List;

import org.sqlite.Function;
import org.jspecify.annotations.Nullable;

/**
 * One Honker SQL function registered on one connection.
 *
 * <p>
 * sqlite-jdbc keeps the state of the current call in the {@link Function} instance, so
 * every connection gets its own instances. sqlite-jdbc also lets SQL call a function with
 * any number of arguments, and a name registered twice reaches the object registered last
 * whatever the arity, so one instance serves every arity of its name and rejects the
 * counts it does not accept.
 *
 * <p>
 * The body reads its arguments through the strictly typed accessors below, which reject
 * NULL and wrong SQLite storage classes the way the reference implementation does. Any
 * error becomes the call's SQLite error, prefixed with the function name:
 * {@code honker_ack_batch: malformed JSON}.
 */
final class SqlFunction extends Function {

	private static final int SQLITE_INTEGER = 1;

	private static final int SQLITE_FLOAT = 2;

	private static final int SQLITE_TEXT = 3;

	private static final int SQLITE_BLOB = 4;

	private static final int SQLITE_NULL = 5;

	/** The work a function does for one call. */
	@FunctionalInterface
	interface Body {

		void call(SqlFunction call) throws SQLException;

	}

	private final String name;

	private final List<String> parameters;

	private final List<Integer> arities;

	private final Statements statements;

	private final Body body;

	/**
	 * @param parameters the names of the parameters of the longest form
	 * @param arities the argument counts a call may have; each form takes the first
	 * parameters
	 */
	SqlFunction(String name, List<String> parameters, List<Integer> arities, Statements statements, Body body) {
		this.name = name;
		this.parameters = parameters;
		this.arities = arities;
		this.statements = statements;
		this.body = body;
	}

	/** The number of arguments of the current call. */
	int argumentCount() throws SQLException {
		return args();
	}

	/** The nested statements of this function's connection. */
	Statements statements() {
		return statements;
	}

	@Override
	protected void xFunc() throws SQLException {
		if (!arities.contains(args())) {
			error("wrong number of arguments to function " + name + "()");
			return;
		}
		try {
			body.call(this);
		}
		catch (FunctionException e) {
			error(name + ": " + e.getMessage());
		}
		catch (SQLException e) {
			error(name + ": " + SqliteSupport.sqliteMessage(e));
		}
		catch (RuntimeException e) {
			error(name + ": internal error: " + e);
		}
	}

	/** A TEXT argument; NULL or another storage class is an error. */
	String text(int index) throws SQLException {
		requireType(index, SQLITE_TEXT);
		return value_text(index);
	}

	/** A TEXT argument that may be NULL. */
	String textOrNull(int index) throws SQLException {
		return isNull(index) ? null : text(index);
	}

	/** An INTEGER argument; NULL, REAL or TEXT is an error. */
	long integer(int index) throws SQLException {
		requireType(index, SQLITE_INTEGER);
		return value_long(index);
	}

	/** An INTEGER argument that may be NULL. */
	Long integerOrNull(int index) throws SQLException {
		return isNull(index) ? null : integer(index);
	}

	private boolean isNull(int index) throws SQLException {
		return value_type(index) == SQLITE_NULL;
	}

	/** Returns an INTEGER. */
	void resultLong(long value) throws SQLException {
		result(value);
	}

	/** Returns TEXT, or NULL for {@code null}. */
	void resultText(@Nullable String value) throws SQLException {
		if (value == null) {
			result();
		}
		else {
			result(value);
		}
	}

	private void requireType(int index, int expected) throws SQLException {
		int actual = value_type(index);
		if (actual != expected) {
			throw new FunctionException("Invalid function parameter type " + typeName(actual) + " at index " + index
					+ " (" + parameters.get(index) + " must be " + typeName(expected) + ")");
		}
	}

	private static String typeName(int sqliteType) {
		return switch (sqliteType) {
			case SQLITE_INTEGER -> "Integer";
			case SQLITE_FLOAT -> "Real";
			case SQLITE_TEXT -> "Text";
			case SQLITE_BLOB -> "Blob";
			case SQLITE_NULL -> "Null";
			default -> "type " + sqliteType;
		};
	}

}
