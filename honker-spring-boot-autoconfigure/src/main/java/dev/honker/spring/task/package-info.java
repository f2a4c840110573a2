/**
 * Durable task methods in Honker's task envelope:
 * {@link dev.honker.spring.task.HonkerTask} methods run by a job listener per queue, and
 * {@link dev.honker.spring.task.HonkerTasks} calls (by name or through typed clients)
 * that enqueue in the caller's transaction and return a
 * {@link dev.honker.spring.task.TaskHandle} to await the result with.
 */
@NullMarked
package dev.honker.spring.task;

import org.jspecify.annotations.NullMarked;
