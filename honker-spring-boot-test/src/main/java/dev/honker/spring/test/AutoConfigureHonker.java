package dev.honker.spring.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;

/**
 * Adds Honker's auto-configuration (the functions on the DataSource, the schema,
 * {@code HonkerTemplate}, the listener infrastructure and {@link HonkerTestSupport}) to a
 * slice test such as {@code @JdbcTest} or {@code @DataJpaTest}, which leave it out.
 * Honker needs a SQLite file or a PostgreSQL database: keep the slice from replacing the
 * DataSource ({@code @AutoConfigureTestDatabase(replace = Replace.NONE)}) and, on SQLite,
 * combine it with {@link HonkerTestDatabase}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
public @interface AutoConfigureHonker {

}
