package dev.honker.spring.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Streams and notification pruning through {@link HonkerTemplate}, on the auto-configured
 * Hikari pool of a real SQLite file.
 */
class HonkerTemplateStreamTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return TemplateContexts.runner(this.directory.resolve("app.db"));
	}

	record Shipment(String order, int parcels) {
	}

	@Test
	void publishReturnsOffsetsAndReadSinceReturnsEventsInOrder() {
		runner().run(context -> {
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			long first = honker.publish("shipments", "o-1", new Shipment("o-1", 2));
			long other = honker.publish("invoices", null, "paid");
			long second = honker.publish("shipments", null, "hello");
			assertThat(List.of(first, other, second)).containsExactly(1L, 2L, 3L);
			List<StreamEvent> events = honker.readSince("shipments", 0, 10);
			assertThat(events).extracting(StreamEvent::offset).containsExactly(1L, 3L);
			assertThat(events.get(0).key()).isEqualTo("o-1");
			assertThat(events.get(0).payload()).isEqualTo("{\"order\":\"o-1\",\"parcels\":2}");
			assertThat(events.get(0).topic()).isEqualTo("shipments");
			assertThat(events.get(0).createdAt()).isNotNull();
			assertThat(events.get(1).key()).isNull();
			assertThat(events.get(1).payload()).isEqualTo("\"hello\"");
			assertThat(honker.readSince("shipments", 1, 10)).extracting(StreamEvent::offset).containsExactly(3L);
			assertThat(honker.readSince("shipments", 0, 1)).extracting(StreamEvent::offset).containsExactly(1L);
			assertThat(honker.readSince("shipments", 3, 10)).isEmpty();
			jdbc(context).queryForObject("SELECT honker_stream_publish('shipments', 'k', '1')", Long.class);
			assertThat(jdbc(context).queryForList("""
					SELECT typeof(offset) || typeof(topic) || typeof(key) || typeof(payload) || typeof(created_at)
					       || (created_at BETWEEN unixepoch() - 5 AND unixepoch())
					  FROM _honker_stream WHERE key IS NOT NULL ORDER BY offset""", String.class))
				.as("the template's row and the function's row have the same shape")
				.containsExactly("integertexttexttextinteger1", "integertexttexttextinteger1");
		});
	}

	@Test
	void publishJoinsTheTransactionAndRollsBackWithIt() {
		runner().run(context -> {
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			TransactionTemplate transaction = new TransactionTemplate(
					context.getBean(PlatformTransactionManager.class));
			transaction.executeWithoutResult(status -> {
				honker.publish("t", null, 1);
				honker.saveOffset("c", "t", 1);
				status.setRollbackOnly();
			});
			assertThat(honker.readSince("t", 0, 10)).isEmpty();
			assertThat(honker.offset("c", "t")).isZero();
			long offset = transaction.execute(status -> honker.publish("t", null, 2));
			assertThat(honker.readSince("t", 0, 10)).extracting(StreamEvent::offset).containsExactly(offset);
		});
	}

	@Test
	void offsetsAreSavedPerConsumerAndTopicAndNeverMoveBack() {
		runner().run(context -> {
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			assertThat(honker.offset("billing", "orders")).isZero();
			assertThat(honker.saveOffset("billing", "orders", 5)).isTrue();
			assertThat(honker.saveOffset("billing", "orders", 3)).isFalse();
			assertThat(honker.saveOffset("audit", "orders", 2)).isTrue();
			assertThat(honker.offset("billing", "orders")).isEqualTo(5);
			assertThat(honker.offset("audit", "orders")).isEqualTo(2);
			assertThat(honker.offset("billing", "invoices")).isZero();
		});
	}

	@Test
	void streamCallsRejectBadArgumentsNamingThem() {
		runner().run(context -> {
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			assertThatIllegalArgumentException().isThrownBy(() -> honker.publish("", null, 1))
				.withMessage("topic must not be empty, got ''");
			assertThatIllegalArgumentException().isThrownBy(() -> honker.readSince(null, 0, 1))
				.withMessage("topic must not be empty, got null");
			assertThatIllegalArgumentException().isThrownBy(() -> honker.readSince("t", -1, 1))
				.withMessage("offset must not be negative, got -1");
			assertThatIllegalArgumentException().isThrownBy(() -> honker.readSince("t", 0, 0))
				.withMessage("limit must be at least 1, got 0");
			assertThatIllegalArgumentException().isThrownBy(() -> honker.offset(" ", "t"))
				.withMessage("consumer must not be empty, got ' '");
			assertThatIllegalArgumentException().isThrownBy(() -> honker.saveOffset("c", "t", -2))
				.withMessage("offset must not be negative, got -2");
			assertThatIllegalArgumentException().isThrownBy(() -> honker.pruneNotifications(null, -1L))
				.withMessage("maxKeep must not be negative, got -1");
			assertThat(count(context, "SELECT count(*) FROM _honker_stream")).isZero();
		});
	}

	@Test
	void pruneNotificationsKeepsTheLatestByRankAndDropsOldOnes() {
		runner().run(context -> {
			HonkerTemplate honker = context.getBean(HonkerTemplate.class);
			for (int i = 0; i < 100; i++) {
				honker.notify(i % 2 == 0 ? "a" : "b", i);
			}
			JdbcTemplate jdbc = jdbc(context);
			jdbc.update("DELETE FROM _honker_notifications WHERE id BETWEEN 40 AND 60");
			assertThat(honker.pruneNotifications(null, null)).isZero();
			assertThat(honker.pruneNotifications(null, 10L)).isEqualTo(69);
			assertThat(jdbc.queryForList("SELECT id FROM _honker_notifications ORDER BY id", Long.class))
				.containsExactly(91L, 92L, 93L, 94L, 95L, 96L, 97L, 98L, 99L, 100L);
			assertThat(honker.pruneNotifications(Duration.ofHours(1), null)).isZero();
			jdbc.update("UPDATE _honker_notifications SET created_at = unixepoch() - 7200 WHERE id <= 95");
			assertThat(honker.pruneNotifications(Duration.ofHours(1), 100L)).isEqualTo(5);
			assertThat(honker.pruneNotifications(null, 0L)).isEqualTo(5);
			assertThat(count(context, "SELECT count(*) FROM _honker_notifications")).isZero();
		});
	}

	private static long count(AssertableApplicationContext context, String sql) {
		return jdbc(context).queryForObject(sql, Long.class);
	}

	private static JdbcTemplate jdbc(AssertableApplicationContext context) {
		return new JdbcTemplate(context.getBean(DataSource.class));
	}

}
