package dev.honker.spring.listener;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.jdbc.core.JdbcTemplate;

/** Every row of every Honker table, to compare a database before and after a call. */
final class HonkerTables {

	private HonkerTables() {
	}

	/** Table name to its rows in rowid order. */
	static Map<String, List<Map<String, Object>>> snapshot(JdbcTemplate jdbc) {
		Map<String, List<Map<String, Object>>> tables = new TreeMap<>();
		for (String table : jdbc.queryForList(
				"SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '\\_honker%' ESCAPE '\\'",
				String.class)) {
			tables.put(table, jdbc.queryForList("SELECT * FROM " + table + " ORDER BY rowid"));
		}
		return tables;
	}

}
