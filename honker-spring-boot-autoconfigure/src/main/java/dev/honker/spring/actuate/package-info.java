/**
 * Production visibility of Honker for Spring Boot Actuator: the {@code honker} health
 * indicator, the {@code honker} endpoint, and the sampler that reads the queue statistics
 * at an interval for them and for the queue gauges.
 */
package dev.honker.spring.actuate;
