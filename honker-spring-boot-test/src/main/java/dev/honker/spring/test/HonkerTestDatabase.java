package dev.honker.spring.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives tests a fresh SQLite database file in a new temporary directory, deleted
 * afterwards.
 *
 * <p>
 * On a Spring test class ({@code @SpringBootTest}, a slice test), the application context
 * gets its own file: {@code spring.datasource.url} points at it, ahead of every other
 * property source. Each annotated test class has its own file and therefore its own
 * context; the test methods of a class share that context and file, as Spring caches the
 * context for them ({@link HonkerTestSupport#enqueuedJobs()} only lists the jobs of the
 * running test).
 *
 * <p>
 * A test method (with or without Spring) that declares a {@link HonkerDatabaseFile}
 * parameter gets a fresh file of its own, for example for an
 * {@code ApplicationContextRunner}:
 * {@code runner.withPropertyValues(database.urlProperty())}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(HonkerDatabaseFileParameterResolver.class)
public @interface HonkerTestDatabase {

}
