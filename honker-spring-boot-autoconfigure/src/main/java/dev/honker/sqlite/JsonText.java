package dev.honker.sqlite;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the JSON that the Honker functions return: compact, with object keys in
 * lexicographic order, exactly as the reference implementation emits it. Payloads inside
 * these documents are JSON strings that contain the payload text.
 */
final class JsonText {

	private JsonText() {
	}

	/**
	 * A JSON object with keys in sorted order; values are strings, numbers, booleans or
	 * null.
	 */
	static String object(Map<String, ?> fields) {
		StringBuilder out = new StringBuilder(128);
		appendObject(out, fields);
		return out.toString();
	}

	/** A JSON array of objects; an empty list is exactly {@code []}. */
	static String array(List<? extends Map<String, ?>> objects) {
		StringBuilder out = new StringBuilder(64 * objects.size() + 2);
		out.append('[');
		for (int i = 0; i < objects.size(); i++) {
			if (i > 0) {
				out.append(',');
			}
			appendObject(out, objects.get(i));
		}
		return out.append(']').toString();
	}

	private static void appendObject(StringBuilder out, Map<String, ?> fields) {
		out.append('{');
		boolean first = true;
		for (Map.Entry<String, ?> field : new TreeMap<>(fields).entrySet()) {
			if (!first) {
				out.append(',');
			}
			first = false;
			appendString(out, field.getKey());
			out.append(':');
			appendValue(out, field.getValue());
		}
		out.append('}');
	}

	private static void appendValue(StringBuilder out, Object value) {
		if (value == null) {
			out.append("null");
		}
		else if (value instanceof String text) {
			appendString(out, text);
		}
		else if (value instanceof Long || value instanceof Integer || value instanceof Boolean) {
			out.append(value);
		}
		else {
			throw new IllegalArgumentException("unsupported JSON value " + value.getClass().getName());
		}
	}

	/**
	 * A JSON string as serde_json writes it: short escapes for quote, backslash,
	 * backspace, form feed, newline, carriage return and tab, and a six-character unicode
	 * escape for other control characters.
	 */
	private static void appendString(StringBuilder out, String text) {
		out.append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				case '\b' -> out.append("\\b");
				case '\f' -> out.append("\\f");
				default -> {
					if (c < 0x20) {
						out.append(String.format("\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		out.append('"');
	}

}
