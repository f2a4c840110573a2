package dev.honker.bench;

import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;

import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.listener.ChildJvm;
import dev.honker.spring.listener.HonkerTestPool;
import dev.honker.spring.notification.NotificationListenerContainer;
import dev.honker.spring.notification.NotifierMain;
import dev.honker.spring.watch.DatabaseWatcher;
import dev.honker.spring.watch.SqliteDatabaseWatcher;
import dev.honker.spring.watch.WatcherOptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Notification latency across processes: another JVM ({@link NotifierMain}) commits
 * notifications, each carrying {@code System.nanoTime()} read just before its insert and
 * commit (one clock for every process on Linux); the notification listener in this JVM,
 * woken by the commit watcher, reads {@code System.nanoTime()} as its handler's first
 * line. 300 samples per round, 2 ms apart, after 100 warm-up ones; prints p50 and p99 per
 * round and their medians over the rounds. WAL mode, {@code synchronous=NORMAL}.
 */
public final class NotificationLatencyBenchmark {

	private static final int SAMPLES = 300;

	private static final int WARM_UP = 100;

	private static final int ROUNDS = 5;

	private NotificationLatencyBenchmark() {
	}

	/** Runs the benchmark. */
	public static void main(String[] args) throws Exception {
		Path directory = Files.createTempDirectory("honker-notify-bench");
		Path file = directory.resolve("bench.db");
		try (HikariDataSource pool = HonkerTestPool.pool(file)) {
			HonkerTemplate honker = new HonkerTemplate(pool, JsonMapper.shared());
			double[] p50 = new double[ROUNDS];
			double[] p99 = new double[ROUNDS];
			for (int round = 0; round < ROUNDS; round++) {
				double[] micros = round(file, honker, "bench-" + round);
				Arrays.sort(micros);
				p50[round] = micros[micros.length / 2];
				p99[round] = micros[(int) Math.ceil(micros.length * 0.99) - 1];
				System.out.printf("round %d: p50 %.3f ms, p99 %.3f ms, max %.3f ms%n", round + 1, p50[round] / 1000,
						p99[round] / 1000, micros[micros.length - 1] / 1000);
			}
			System.out.printf(
					"notification commit (other JVM) -> listener first line, %d samples x %d rounds: "
							+ "median p50 %.3f ms (target <= 1.5), median p99 %.3f ms (target <= 10)%n",
					SAMPLES, ROUNDS, BenchDatabase.median(p50) / 1000, BenchDatabase.median(p99) / 1000);
		}
	}

	private static double[] round(Path file, HonkerTemplate honker, String channel) throws Exception {
		int total = WARM_UP + SAMPLES;
		double[] micros = new double[SAMPLES];
		CountDownLatch done = new CountDownLatch(total);
		NotificationListenerContainer listener = new NotificationListenerContainer("bench", "the benchmark", channel, notification -> {
			long now = System.nanoTime();
			JsonNode payload = JsonMapper.shared().readTree(notification.payload());
			int seq = payload.get("seq").asInt();
			if (seq >= WARM_UP) {
				micros[seq - WARM_UP] = (now - payload.get("nanos").asLong()) / 1000.0;
			}
			done.countDown();
		}, honker, new SqliteDatabaseWatcher(file, WatcherOptions.DEFAULTS), Duration.ofSeconds(15), true);
		listener.start();
		try (ChildJvm notifier = ChildJvm.startPiped(NotifierMain.class, file.toString(), channel,
				Integer.toString(total), "2000")) {
			BufferedReader output = notifier.lines();
			if (!done.await(120, TimeUnit.SECONDS)) {
				throw new IllegalStateException("only " + (total - done.getCount()) + " of " + total
						+ " notifications arrived; notifier says: " + output.readLine());
			}
		}
		finally {
			listener.stop();
		}
		return micros;
	}

}
