package dev.honker.sqlite;

import java.sql.SQLException;
import java.util.List;

/** {@code honker_bootstrap()} and {@code notify(channel, payload)}. */
final class SchemaFunctions {

	private static final String NOTIFY = "INSERT INTO _honker_notifications (channel, payload) VALUES (?1, ?2) RETURNING id";

	private SchemaFunctions() {
	}

	static void register(FunctionRegistrar registrar) throws SQLException {
		registrar.define("honker_bootstrap", List.of(), f -> {
			HonkerSchema.bootstrap(f.statements());
			f.resultLong(1);
		});
		registrar.define("notify", List.of("channel", "payload"),
				f -> f.resultLong(f.statements().queryLong(NOTIFY, f.text(0), f.text(1))));
	}

}
