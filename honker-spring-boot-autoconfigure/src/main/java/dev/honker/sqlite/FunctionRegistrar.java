package dev.honker.sqlite;

import java.sql.SQLException;
import java.util.List;

import org.sqlite.Function;
import org.sqlite.SQLiteConnection;

/** Creates the Honker functions of one connection; each function group adds its own through it. */
final class FunctionRegistrar {

    private final SQLiteConnection connection;
    private final Statements statements;

    FunctionRegistrar(SQLiteConnection connection) {
        this.connection = connection;
        this.statements = new Statements(connection);
    }

    /** Registers a function whose arity is the number of named parameters. */
    void define(String name, List<String> parameters, SqlFunction.Body body) throws SQLException {
        Function.create(connection, name, new SqlFunction(name, parameters, statements, body), parameters.size());
    }

    /** Registers a function that always returns the same result for the same arguments. */
    void defineDeterministic(String name, List<String> parameters, SqlFunction.Body body) throws SQLException {
        Function.create(connection, name, new SqlFunction(name, parameters, statements, body), parameters.size(),
                Function.FLAG_DETERMINISTIC);
    }
}
