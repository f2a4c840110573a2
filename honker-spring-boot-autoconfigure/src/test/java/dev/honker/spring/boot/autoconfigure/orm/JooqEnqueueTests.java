package dev.honker.spring.boot.autoconfigure.orm;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.DataSourceConnectionProvider;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.table;

/**
 * The order and its job, both written with jOOQ 3.19 on the Spring transaction's
 * connection (through {@link TransactionAwareDataSourceProxy}), under
 * {@code DataSourceTransactionManager}.
 */
class JooqEnqueueTests extends TransactionalEnqueueContract {

	@Override
	ApplicationContextRunner withTechnology(ApplicationContextRunner runner) {
		return runner.withUserConfiguration(JooqApplication.class);
	}

	@Override
	Class<? extends RuntimeException> enqueueErrorType() {
		return DataAccessException.class;
	}

	@Configuration(proxyBeanMethods = false)
	static class JooqApplication {

		@Bean
		DSLContext dsl(DataSource dataSource) throws SQLException {
			return DSL.using(new DataSourceConnectionProvider(new TransactionAwareDataSourceProxy(dataSource)),
					dialect(dataSource));
		}

		private static SQLDialect dialect(DataSource dataSource) throws SQLException {
			try (Connection connection = dataSource.getConnection()) {
				return "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName()) ? SQLDialect.POSTGRES
						: SQLDialect.SQLITE;
			}
		}

		@Bean
		JooqOrderService orderService(DSLContext dsl) {
			return new JooqOrderService(dsl);
		}

	}

	static class JooqOrderService extends OrderService {

		private final DSLContext dsl;

		JooqOrderService(DSLContext dsl) {
			this.dsl = dsl;
		}

		@Override
		long insertOrder(String item) {
			return this.dsl.insertInto(table("orders"))
				.set(field("item", String.class), item)
				.returningResult(field("id", Long.class))
				.fetchSingle()
				.value1();
		}

		@Override
		long enqueue(String queue, String payload) {
			return ((Number) this.dsl.fetchValue("SELECT honker_enqueue(?, ?, NULL, NULL, 0, 3, NULL)", queue, payload))
				.longValue();
		}

	}

}
