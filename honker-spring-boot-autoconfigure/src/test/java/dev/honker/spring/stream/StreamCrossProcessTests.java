package dev.honker.spring.stream;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.core.StreamEvent;
import dev.honker.spring.listener.ChildJvm;
import dev.honker.spring.listener.PooledDatabaseTests;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stream consumers in worker applications in other JVMs ({@link StreamWorkerMain}),
 * killed with {@code kill -9}, restarted, and failing over to each other.
 */
class StreamCrossProcessTests extends PooledDatabaseTests {

	HonkerTemplate honker;

	JdbcTemplate jdbc;

	@BeforeEach
	void open() {
		this.honker = new HonkerTemplate(this.pool, JsonMapper.shared());
		this.jdbc = new JdbcTemplate(this.pool);
		this.jdbc.execute("CREATE TABLE consumed (event INTEGER NOT NULL, pid INTEGER NOT NULL)");
	}

	private ChildJvm worker(String name, String... properties) throws Exception {
		String[] args = new String[properties.length + 2];
		args[0] = "--worker.db=" + this.file;
		args[1] = "--logging.level.root=WARN";
		System.arraycopy(properties, 0, args, 2, properties.length);
		return ChildJvm.start(this.dir.resolve(name + ".log"), StreamWorkerMain.class, args);
	}

	private List<Long> publish(int count) {
		for (int i = 0; i < count; i++) {
			this.honker.publish("orders", "order-" + i, Map.of("n", i));
		}
		return this.honker.readSince("orders", 0, 100_000).stream().map(StreamEvent::offset).toList();
	}

	private long consumedCount() {
		return this.jdbc.queryForObject("SELECT count(*) FROM consumed", Long.class);
	}

	private List<Long> consumed() {
		return this.jdbc.queryForList("SELECT event FROM consumed ORDER BY rowid", Long.class);
	}

	@Test
	void aConsumerKilledWithSigkillResumesAfterItsSavedOffsetWithoutGaps() throws Exception {
		List<Long> all = publish(200);
		long saved;
		try (ChildJvm first = worker("first", "--worker.consumer=billing", "--worker.delay-ms=10")) {
			await().atMost(Duration.ofSeconds(90)).until(() -> consumedCount() >= 60);
			first.kill();
			saved = this.honker.offset("billing", "orders");
		}
		List<Long> beforeRestart = consumed();
		assertThat(saved).as("offsets were saved before the kill").isPositive();
		assertThat(beforeRestart).as("every event up to the saved offset was handled")
			.containsAll(all.stream().filter(offset -> offset <= saved).toList());
		long last = all.get(all.size() - 1);
		try (ChildJvm second = worker("second", "--worker.consumer=billing")) {
			await().atMost(Duration.ofSeconds(90)).until(() -> Set.copyOf(consumed()).size() == all.size());
			// The offset is saved after each batch's handlers: the last batch's events
			// are
			// recorded before its offset is, so wait for the save before killing the
			// worker.
			await().atMost(Duration.ofSeconds(90)).until(() -> this.honker.offset("billing", "orders") == last);
		}
		List<Long> handled = consumed();
		assertThat(new HashSet<>(handled)).as("no gap").containsExactlyInAnyOrderElementsOf(all);
		List<Long> afterRestart = handled.subList(beforeRestart.size(), handled.size());
		assertThat(afterRestart).as("the restart resumes right after the saved offset, in order")
			.isSorted()
			.first()
			.isEqualTo(all.get(all.indexOf(saved) + 1));
		assertThat(afterRestart.stream().filter(beforeRestart::contains))
			.as("events handled twice all come after the saved offset")
			.allMatch(offset -> offset > saved);
	}

	@Test
	void transactionalModeLeavesNeitherTheHandlersWriteNorTheOffsetOfAFailingEvent() throws Exception {
		List<Long> all = publish(5);
		long failing = all.get(2);
		try (ChildJvm worker = worker("transactional", "--worker.consumer=billing",
				"--honker.stream.offset-mode=TRANSACTIONAL", "--honker.stream.max-attempts=2",
				"--worker.fail-at=" + failing)) {
			Path log = this.dir.resolve("transactional.log");
			await().atMost(Duration.ofSeconds(90))
				.until(() -> Files.readString(log).contains("stopped at event " + failing));
			assertThat(consumed()).as("the failing event's write rolled back with its offset, on both attempts")
				.containsExactly(all.get(0), all.get(1));
			assertThat(this.honker.offset("billing", "orders")).isEqualTo(all.get(1));
		}
	}

	@Test
	void twoProcessesWithOneConsumerNameHandleEveryEventExactlyOnceAcrossAFailover() throws Exception {
		List<Long> all = publish(300);
		try (ChildJvm first = worker("a", "--worker.consumer=billing", "--honker.stream.offset-mode=TRANSACTIONAL",
				"--worker.delay-ms=10");
				ChildJvm second = worker("b", "--worker.consumer=billing", "--honker.stream.offset-mode=TRANSACTIONAL",
						"--worker.delay-ms=10")) {
			await().atMost(Duration.ofSeconds(90)).until(() -> consumedCount() >= 80);
			long holder = this.jdbc.queryForObject("SELECT pid FROM consumed ORDER BY rowid DESC LIMIT 1", Long.class);
			ChildJvm consuming = (first.handle().pid() == holder) ? first : second;
			consuming.kill();
			await().atMost(Duration.ofSeconds(90)).until(() -> consumedCount() >= all.size());
		}
		assertThat(consumed()).as("every event exactly once, in order").containsExactlyElementsOf(all);
		assertThat(this.jdbc.queryForObject("SELECT count(DISTINCT pid) FROM consumed", Long.class))
			.as("both processes consumed")
			.isEqualTo(2);
	}

}
