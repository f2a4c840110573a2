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

    /**
     * Registers a function whose arity is the number of named parameters; SQLite rejects calls with
     * another number of arguments. (The four-argument {@code Function.create} takes flags, not an
     * arity, and would register a variadic function.)
     */
    void define(String name, List<String> parameters, SqlFunction.Body body) throws SQLException {
        Function.create(connection, name, new SqlFunction(name, parameters, statements, body), parameters.size(), 0);
    }

    /** Registers a function that always returns the same result for the same arguments. */
    void defineDeterministic(String name, List<String> parameters, SqlFunction.Body body) throws SQLException {
        Function.create(connection, name, new SqlFunction(name, parameters, statements, body), parameters.size(),
                Function.FLAG_DETERMINISTIC);
    }
}
