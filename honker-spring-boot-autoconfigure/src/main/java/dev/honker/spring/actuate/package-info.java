/**
 * Honker for Spring Boot Actuator: the {@code honker} health indicator and the
 * {@code honker} endpoint.
 */
@NullMarked
package dev.honker.spring.actuate;

import org.jspecify.annotations.NullMarked;
