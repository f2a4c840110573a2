/**
 * The dashboard page: {@code HonkerDashboard} serves an HTML page of the queues, jobs,
 * dead letters, listeners, schedules and stream consumers, its JSON API and its live
 * updates (Server-Sent Events sent by the {@code HonkerEvents} thread after commits), for
 * Spring MVC applications. It reads through {@code HonkerStats} and writes through
 * {@code HonkerDeadLetters} and the listener registry.
 */
@NullMarked
package dev.honker.spring.dashboard;

import org.jspecify.annotations.NullMarked;
