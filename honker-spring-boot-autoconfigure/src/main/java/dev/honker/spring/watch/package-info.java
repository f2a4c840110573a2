/**
 * The commit watcher: on SQLite, one thread per database file per JVM reads
 * {@code PRAGMA data_version} on its own read-only connection, woken by file events on
 * the database's directory (or a fixed poll where those cannot be trusted), and wakes
 * every subscriber when another connection, in any process, commits. Wakes carry no data;
 * each one means "re-read". JDK, sqlite-jdbc and commons-logging (the logging API of
 * every package) only, no Spring; the PostgreSQL driver for the {@code LISTEN} watcher.
 */
@NullMarked
package dev.honker.spring.watch;

import org.jspecify.annotations.NullMarked;
