/**
 * Spring Boot auto-configuration of Honker: the {@code honker.*} properties (the only
 * layer that knows their names), the Honker functions on the application's DataSource,
 * the schema bootstrap, the template, the listener infrastructure and its extension
 * points, and the failure analyzers.
 */
@NullMarked
package dev.honker.spring.boot.autoconfigure;

import org.jspecify.annotations.NullMarked;
