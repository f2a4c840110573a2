/**
 * Live updates for browsers: {@code HonkerEvents}, Server-Sent Events of notification
 * channels and stream topics, sent as the writes commit.
 */
@NullMarked
package dev.honker.spring.web;

import org.jspecify.annotations.NullMarked;
