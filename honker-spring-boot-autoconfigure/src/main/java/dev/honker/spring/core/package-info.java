/**
 * Writing to Honker from the application: {@code HonkerOperations} and its implementation
 * {@code HonkerTemplate}, which join the application's transactions, job options, the
 * payload codec, and the exceptions of Honker calls.
 */
@NullMarked
package dev.honker.spring.core;

import org.jspecify.annotations.NullMarked;
