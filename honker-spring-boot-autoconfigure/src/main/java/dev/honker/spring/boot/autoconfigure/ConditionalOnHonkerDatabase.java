package dev.honker.spring.boot.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import javax.sql.DataSource;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Conditional;

/**
 * The conditions every Honker auto-configuration that works on the application's database
 * shares: Honker is not turned off ({@code honker.enabled}, on by default),
 * {@code spring.datasource.url} names SQLite or PostgreSQL (or is absent), and there is
 * one {@link DataSource} to work on.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ConditionalOnBooleanProperty(name = "honker.enabled", matchIfMissing = true)
@Conditional(OnHonkerDatabaseUrlCondition.class)
@ConditionalOnSingleCandidate(DataSource.class)
@interface ConditionalOnHonkerDatabase {

}
