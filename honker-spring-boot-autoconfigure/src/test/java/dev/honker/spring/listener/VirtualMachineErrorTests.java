package dev.honker.spring.listener;

import static dev.honker.spring.listener.HonkerTestPool.enqueue;
import static dev.honker.spring.listener.HonkerTestPool.queryLong;
import static dev.honker.spring.listener.HonkerTestPool.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;

import dev.honker.spring.boot.autoconfigure.LogCapture;

/**
 * A handler that ends with a {@link VirtualMachineError} does not wedge its listener: the
 * job is settled by the error handler (retried, then dead-lettered), the handler slot is
 * freed for the next job, and an ERROR names the listener and the job.
 */
class VirtualMachineErrorTests extends PooledDatabaseTests {

	private static final Duration LONG = Duration.ofSeconds(30);

	@Test
	void aStackOverflowIsAFailedAttemptAndTheListenerGoesOn() throws Exception {
		runWith("overflow", "java.lang.StackOverflowError");
	}

	@Test
	void anOutOfMemoryErrorIsAFailedAttemptAndTheListenerGoesOn() throws Exception {
		runWith("oom", "java.lang.OutOfMemoryError: simulated");
	}

	private void runWith(String poison, String lastError) throws Exception {
		try (LogCapture log = LogCapture.of(JobInvoker.class)) {
			ListenerContexts.runner(this.pool).withBean(ErrorListener.class).run(context -> {
				ErrorListener listener = context.getBean(ErrorListener.class);
				long bad = enqueue(this.pool, "errors", "\"" + poison + "\"", 2);
				await().atMost(LONG).until(() -> queryLong(this.pool, "SELECT count(*) FROM _honker_dead") == 1);
				long good = enqueue(this.pool, "errors", "\"fine\"", 2);
				await().atMost(LONG).until(() -> listener.handled.contains("fine"));

				assertThat(queryString(this.pool, "SELECT last_error FROM _honker_dead WHERE id = ?", bad))
					.startsWith(lastError);
				assertThat(queryLong(this.pool, "SELECT attempts FROM _honker_dead WHERE id = ?", bad)).isEqualTo(2);
				await().atMost(LONG)
					.until(() -> queryLong(this.pool, "SELECT count(*) FROM _honker_live WHERE id = ?", good) == 0);
				assertThat(log.messages(Level.ERROR)).hasSize(2)
					.allSatisfy(message -> assertThat(message).contains("listener 'errors'", "job " + bad));
			});
		}
	}

	static class ErrorListener {

		final List<String> handled = new CopyOnWriteArrayList<>();

		@HonkerListener(queue = "errors", id = "errors", concurrency = "1", backoffInitialInterval = "0")
		void handle(String payload) {
			switch (payload) {
				case "overflow" -> recurse(0);
				case "oom" -> throw new OutOfMemoryError("simulated");
				default -> this.handled.add(payload);
			}
		}

		private static int recurse(int depth) {
			return recurse(depth + 1) + 1;
		}

	}

}
