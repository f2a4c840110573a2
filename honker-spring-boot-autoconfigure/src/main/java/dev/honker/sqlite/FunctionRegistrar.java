package dev.honker.sqlite;

import java.sql.SQLException;
import java.util.List;

import org.sqlite.Function;
import org.sqlite.SQLiteConnection;

/**
 * Creates the Honker functions of one connection; each function group adds its own
 * through it.
 */
final class FunctionRegistrar {

	private final SQLiteConnection connection;

	private final Statements statements;

	FunctionRegistrar(SQLiteConnection connection) {
		this.connection = connection;
		this.statements = new Statements(connection);
	}

	/** Registers a function whose arity is the number of named parameters. */
	void define(String name, List<String> parameters, SqlFunction.Body body) throws SQLException {
		create(name, parameters, List.of(parameters.size()), 0, body);
	}

	/**
	 * Registers a function that always returns the same result for the same arguments.
	 */
	void defineDeterministic(String name, List<String> parameters, SqlFunction.Body body) throws SQLException {
		create(name, parameters, List.of(parameters.size()), Function.FLAG_DETERMINISTIC, body);
	}

	/**
	 * Registers a function with several forms, each taking the first {@code arity} of the
	 * named parameters; the body tells them apart by {@link SqlFunction#argumentCount()}.
	 */
	void defineOverloaded(String name, List<String> parameters, List<Integer> arities, SqlFunction.Body body)
			throws SQLException {
		create(name, parameters, arities, 0, body);
	}

	/**
	 * One function object serves every arity: sqlite-jdbc would call the last one
	 * registered anyway.
	 */
	private void create(String name, List<String> parameters, List<Integer> arities, int flags, SqlFunction.Body body)
			throws SQLException {
		SqlFunction function = new SqlFunction(name, parameters, arities, statements, body);
		for (int arity : arities) {
			Function.create(connection, name, function, arity, flags);
		}
	}

}
