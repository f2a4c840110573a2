/**
 * Honker's tables and SQL functions on PostgreSQL: the schema script
 * ({@code META-INF/honker/postgresql/honker-postgresql.sql}) that creates every
 * {@code honker_*} function and {@code notify} as PL/pgSQL in the schema {@code honker},
 * and {@link dev.honker.postgres.PostgresBootstrap}, which runs it idempotently. JDK and
 * JDBC only (the PostgreSQL driver is optional), no Spring. The contract is described in
 * {@code docs/postgresql.md}.
 */
@NullMarked
package dev.honker.postgres;

import org.jspecify.annotations.NullMarked;
