/**
 * Honker for Spring Boot Actuator: the {@code honker} health indicator and the
 * {@code honker} endpoint.
 */
package dev.honker.spring.actuate;
