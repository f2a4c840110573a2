/**
 * The embedded implementation of Honker 0.4's SQL functions and schema on sqlite-jdbc
 * connections ({@code HonkerFunctions.register(Connection)}), the loader of the native
 * extension, and {@code SqliteSupport}, the helpers every layer above shares. JDK and
 * sqlite-jdbc only (plus JSpecify's annotations), no Spring.
 */
@NullMarked
package dev.honker.sqlite;

import org.jspecify.annotations.NullMarked;
