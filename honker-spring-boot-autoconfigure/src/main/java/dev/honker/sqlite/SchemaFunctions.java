package dev.honker.sqlite;

import java.sql.SQLException;
import java.util.List;

/** {@code honker_bootstrap()} and {@code notify(channel, payload)}. */
final class SchemaFunctions {

    private SchemaFunctions() {
    }

    static void register(FunctionRegistrar registrar) throws SQLException {
        registrar.define("honker_bootstrap", List.of(), f -> {
            HonkerSchema.bootstrap(f.statements());
            f.resultLong(1);
        });
        registrar.define("notify", List.of("channel", "payload"), f -> {
            String channel = f.text(0);
            String payload = f.text(1);
            f.resultLong(f.statements().queryLong(
                    "INSERT INTO _honker_notifications (channel, payload) VALUES (?, ?) RETURNING id",
                    s -> {
                        s.setString(1, channel);
                        s.setString(2, payload);
                    }, 0));
        });
    }
}
