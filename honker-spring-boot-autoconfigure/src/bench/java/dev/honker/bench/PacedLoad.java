package dev.honker.bench;

import static dev.honker.sqlite.TestDatabase.execute;
import static dev.honker.sqlite.TestDatabase.queryLong;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.honker.spring.listener.ChildJvm;
import dev.honker.spring.listener.WorkerMain;
import dev.honker.sqlite.HonkerFunctions;

/**
 * A producer that commits {@code rate} transactions a second (an order row and its job,
 * each in its own {@code BEGIN IMMEDIATE} transaction) into a database that a worker JVM
 * ({@link WorkerMain}, no-op handler, 4 threads, the quickstart's settings) drains, both
 * with the given {@code synchronous} mode; every {@code sampleEvery} it records the
 * backlog, the WAL size, the worker's resident memory and its heap after GC.
 */
final class PacedLoad {

	private PacedLoad() {
	}

	/** One sample. */
	record Sample(long atSeconds, long enqueued, long backlog, long walBytes, long workerRssBytes,
			long workerHeapAfterGcBytes) {

		@Override
		public String toString() {
			return String.format("%5d s  enqueued %,9d  backlog %,7d  WAL %7.1f MB  worker RSS %6.1f MB  heap after GC %6.1f MB",
					this.atSeconds, this.enqueued, this.backlog, this.walBytes / 1e6, this.workerRssBytes / 1e6,
					this.workerHeapAfterGcBytes / 1e6);
		}

	}

	static List<Sample> run(Path file, String synchronous, int rate, Duration duration, Duration sampleEvery)
			throws Exception {
		try (Connection producer = open(file, synchronous); Connection observer = open(file, "NORMAL")) {
			execute(producer, "SELECT honker_bootstrap()");
			execute(producer, "CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, item TEXT NOT NULL)");
			try (ChildJvm worker = ChildJvm.startPiped(WorkerMain.class, "--worker.db=" + file,
					"--worker.queue=load", "--worker.mode=noop", "--worker.stats-interval=" + sampleEvery.toMillis() + "ms",
					"--honker.listener.concurrency=4", "--honker.sqlite.busy-timeout=5s",
					"--spring.datasource.hikari.data-source-properties.synchronous=" + synchronous,
					"--spring.datasource.hikari.data-source-properties.transaction_mode=IMMEDIATE",
					"--logging.level.root=WARN")) {
				AtomicLong heapAfterGc = new AtomicLong();
				BufferedReader lines = worker.lines();
				String line = lines.readLine();
				while (line != null && !line.startsWith("worker ready")) {
					line = lines.readLine();
				}
				if (line == null) {
					throw new IllegalStateException("worker did not start");
				}
				Thread reader = new Thread(() -> readStats(lines, heapAfterGc), "worker-output");
				reader.setDaemon(true);
				reader.start();
				AtomicBoolean producing = new AtomicBoolean(true);
				AtomicLong enqueued = new AtomicLong();
				Thread thread = new Thread(() -> produce(producer, rate, producing, enqueued), "producer");
				thread.start();
				List<Sample> samples = new ArrayList<>();
				long start = System.nanoTime();
				try {
					for (long at = sampleEvery.toNanos(); at <= duration.toNanos(); at += sampleEvery.toNanos()) {
						// the sampling schedule, not a synchronization
						LockSupport.parkNanos(start + at - System.nanoTime());
						Sample sample = new Sample(at / 1_000_000_000L, enqueued.get(),
								queryLong(observer, "SELECT count(*) FROM _honker_live"), size(Path.of(file + "-wal")),
								rss(worker.handle().pid()), heapAfterGc.get());
						System.out.println("  " + synchronous + " " + sample);
						samples.add(sample);
					}
				}
				finally {
					producing.set(false);
					thread.join();
				}
				return samples;
			}
		}
	}

	private static void produce(Connection connection, int rate, AtomicBoolean producing, AtomicLong enqueued) {
		long interval = 1_000_000_000L / rate;
		long next = System.nanoTime();
		try (Statement statement = connection.createStatement();
				PreparedStatement order = connection.prepareStatement("INSERT INTO orders (item) VALUES ('x') RETURNING id");
				PreparedStatement enqueue = connection
					.prepareStatement("SELECT honker_enqueue('load', ?, NULL, NULL, 0, 3, NULL)")) {
			while (producing.get()) {
				statement.execute("BEGIN IMMEDIATE");
				long id;
				try (ResultSet row = order.executeQuery()) {
					row.next();
					id = row.getLong(1);
				}
				enqueue.setString(1, "{\"orderId\":" + id + "}");
				enqueue.executeQuery().close();
				statement.execute("COMMIT");
				enqueued.incrementAndGet();
				next += interval;
				// the producer's pace
				LockSupport.parkNanos(next - System.nanoTime());
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void readStats(BufferedReader lines, AtomicLong heapAfterGc) {
		try {
			for (String line = lines.readLine(); line != null; line = lines.readLine()) {
				if (line.startsWith("heap-after-gc ")) {
					heapAfterGc.set(Long.parseLong(line.substring("heap-after-gc ".length())));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static long rss(long pid) throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
			}
		}
		return -1;
	}

	private static long size(Path file) throws IOException {
		return Files.exists(file) ? Files.size(file) : 0;
	}

	private static Connection open(Path file, String synchronous) throws SQLException {
		Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
		execute(connection, "PRAGMA journal_mode=WAL");
		execute(connection, "PRAGMA synchronous=" + synchronous);
		execute(connection, "PRAGMA busy_timeout=5000");
		HonkerFunctions.register(connection);
		return connection;
	}

}
