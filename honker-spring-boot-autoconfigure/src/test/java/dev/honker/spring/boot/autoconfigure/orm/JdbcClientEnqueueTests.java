package dev.honker.spring.boot.autoconfigure.orm;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The order and its job, both written with Boot's {@link JdbcClient}, under
 * {@code DataSourceTransactionManager}.
 */
class JdbcClientEnqueueTests extends TransactionalEnqueueContract {

	@Override
	ApplicationContextRunner withTechnology(ApplicationContextRunner runner) {
		return runner
			.withConfiguration(
					AutoConfigurations.of(JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class))
			.withUserConfiguration(JdbcClientApplication.class);
	}

	@Override
	Class<? extends RuntimeException> enqueueErrorType() {
		return DataAccessException.class;
	}

	@Configuration(proxyBeanMethods = false)
	static class JdbcClientApplication {

		@Bean
		JdbcClientOrderService orderService(JdbcClient jdbc) {
			return new JdbcClientOrderService(jdbc);
		}

	}

	static class JdbcClientOrderService extends OrderService {

		private final JdbcClient jdbc;

		JdbcClientOrderService(JdbcClient jdbc) {
			this.jdbc = jdbc;
		}

		@Override
		long insertOrder(String item) {
			return this.jdbc.sql("INSERT INTO orders (item) VALUES (?) RETURNING id")
				.param(item)
				.query(Long.class)
				.single();
		}

		@Override
		long enqueue(String queue, String payload) {
			return this.jdbc.sql("SELECT honker_enqueue(?, ?, NULL, NULL, 0, 3, NULL)")
				.params(queue, payload)
				.query(Long.class)
				.single();
		}

	}

}
