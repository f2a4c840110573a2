/**
 * Stream consumers: {@code @HonkerStreamListener} methods and their containers, which
 * read one topic of {@code _honker_stream} in offset order for one consumer name, resume
 * after the offset saved in {@code _honker_stream_consumers}, hold a Honker lock so that
 * one process at a time consumes, and retry, stop or skip a failing event.
 */
@NullMarked
package dev.honker.spring.stream;

import org.jspecify.annotations.NullMarked;
