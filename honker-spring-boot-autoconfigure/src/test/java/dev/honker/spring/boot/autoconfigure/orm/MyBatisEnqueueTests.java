package dev.honker.spring.boot.autoconfigure.orm;

import java.util.List;

import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.honker.spring.boot.autoconfigure.TestDatabase;
import org.mybatis.spring.boot.autoconfigure.MybatisAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order and its job, both written by a MyBatis {@code @Mapper} that the MyBatis
 * starter finds and binds to the Spring transaction, under
 * {@code DataSourceTransactionManager}; and two identical enqueues in one transaction are
 * two jobs, not one answer from MyBatis's session cache.
 */
class MyBatisEnqueueTests extends TransactionalEnqueueContract {

	@Override
	ApplicationContextRunner withTechnology(ApplicationContextRunner runner) {
		return runner.withConfiguration(AutoConfigurations.of(MybatisAutoConfiguration.class))
			.withUserConfiguration(MyBatisApplication.class);
	}

	@Override
	Class<? extends RuntimeException> enqueueErrorType() {
		return DataAccessException.class;
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void identicalEnqueuesInOneTransactionAreTwoJobs(TestDatabase database) {
		run(database, context -> {
			OrderMapper mapper = context.getBean(OrderMapper.class);
			TransactionTemplate transaction = new TransactionTemplate(
					context.getBean(PlatformTransactionManager.class));
			List<Long> ids = transaction.execute((status) -> List.of(mapper.enqueue(OrderService.QUEUE, "{}"),
					mapper.enqueue(OrderService.QUEUE, "{}")));

			assertThat(ids).doesNotHaveDuplicates();
			assertThat(jdbc(context).queryForObject("SELECT count(*) FROM _honker_live", Long.class)).isEqualTo(2);
		});
	}

	/**
	 * Like a {@code @SpringBootApplication}: its package is where the MyBatis starter
	 * looks for mappers.
	 */
	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage
	static class MyBatisApplication {

		@Bean
		MyBatisOrderService orderService(OrderMapper mapper) {
			return new MyBatisOrderService(mapper);
		}

	}

	@Mapper
	interface OrderMapper {

		@Insert("INSERT INTO orders (item) VALUES (#{item})")
		@Options(useGeneratedKeys = true, keyProperty = "id")
		void insert(NewOrder order);

		/**
		 * Enqueues a job. {@code flushCache} makes MyBatis run it every time: without it,
		 * a second call with the same arguments in one transaction returns the first
		 * job's id from the session's local cache and enqueues nothing.
		 */
		@Select("SELECT honker_enqueue(#{queue}, #{payload}, NULL, NULL, 0, 3, NULL)")
		@Options(flushCache = Options.FlushCachePolicy.TRUE)
		long enqueue(@Param("queue") String queue, @Param("payload") String payload);

	}

	/** The parameter of {@link OrderMapper#insert}, which receives the generated id. */
	static class NewOrder {

		private final String item;

		private Long id;

		NewOrder(String item) {
			this.item = item;
		}

		public String getItem() {
			return this.item;
		}

		public Long getId() {
			return this.id;
		}

		public void setId(Long id) {
			this.id = id;
		}

	}

	static class MyBatisOrderService extends OrderService {

		private final OrderMapper mapper;

		MyBatisOrderService(OrderMapper mapper) {
			this.mapper = mapper;
		}

		@Override
		long insertOrder(String item) {
			NewOrder order = new NewOrder(item);
			this.mapper.insert(order);
			return order.getId();
		}

		@Override
		long enqueue(String queue, String payload) {
			return this.mapper.enqueue(queue, payload);
		}

	}

}
