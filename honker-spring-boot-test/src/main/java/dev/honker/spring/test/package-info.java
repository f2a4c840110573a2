/**
 * Test support for applications that use Honker, added with test scope:
 * {@link dev.honker.spring.test.HonkerTestDatabase} gives a test class (or, as a
 * parameter, a test method) a fresh temporary SQLite database file,
 * {@link dev.honker.spring.test.HonkerTestSupport} waits for queues to drain, lists the
 * jobs a test enqueued and runs a listener's jobs in the test thread (on SQLite and
 * PostgreSQL), and {@link dev.honker.spring.test.AutoConfigureHonker} adds Honker to
 * slice tests.
 */
@NullMarked
package dev.honker.spring.test;

import org.jspecify.annotations.NullMarked;
