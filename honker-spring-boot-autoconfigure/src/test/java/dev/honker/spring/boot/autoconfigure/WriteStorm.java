package dev.honker.spring.boot.autoconfigure;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Producer threads placing orders (an order row and its job in one transaction) as fast
 * as they can, each with a unique item name, recording what each call reported; then a
 * check of every report against the database. Items are {@code storm-<thread>-<call>};
 * the {@code orders} table has an {@code item} column and each job's payload is
 * {@code {"orderId": id}}.
 */
public final class WriteStorm {

	private static final String ORPHAN_JOBS = """
			SELECT count(*) FROM _honker_live j
			 WHERE j.queue = ? AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = json_extract(j.payload, '$.orderId'))""";

	private static final String ORDERS_WITHOUT_ONE_JOB = """
			SELECT count(*) FROM orders o
			 WHERE (SELECT count(*) FROM _honker_live j WHERE json_extract(j.payload, '$.orderId') = o.id)
			     + (SELECT count(*) FROM _honker_dead d WHERE json_extract(d.payload, '$.orderId') = o.id)
			     + %s <> 1""";

	private WriteStorm() {
	}

	/**
	 * Runs {@code threads} producers until {@code keepGoing} turns false.
	 * @param placeOrder places one order with the given item in one transaction; what it
	 * throws is a reported failure
	 * @return what each call reported
	 */
	public static Report run(int threads, BooleanSupplier keepGoing, Consumer<String> placeOrder) throws Exception {
		Report report = new Report();
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> producers = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				producers.add(pool.submit(() -> {
					for (int call = 0; keepGoing.getAsBoolean(); call++) {
						String item = "storm-" + thread + "-" + call;
						try {
							placeOrder.accept(item);
							report.succeeded.add(item);
						}
						catch (RuntimeException ex) {
							report.failed.put(item, ex.getClass().getSimpleName());
						}
					}
				}));
			}
			for (Future<?> producer : producers) {
				producer.get();
			}
		}
		finally {
			pool.shutdownNow();
		}
		return report;
	}

	/**
	 * A thread that keeps taking SQLite's write lock on its own connection and holding it
	 * for {@code hold} (a contention window, not a synchronization), until closed.
	 */
	public static AutoCloseable holdWriteLockRepeatedly(String url, Duration hold) throws SQLException {
		Connection connection = DriverManager.getConnection(url);
		try (Statement statement = connection.createStatement()) {
			statement.execute("PRAGMA busy_timeout = 60000");
		}
		AtomicBoolean running = new AtomicBoolean(true);
		Thread holder = new Thread(() -> {
			try (Statement statement = connection.createStatement()) {
				while (running.get()) {
					statement.execute("BEGIN IMMEDIATE");
					Thread.sleep(hold.toMillis());
					statement.execute("COMMIT");
					Thread.yield();
				}
			}
			catch (SQLException | InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		}, "write-lock-holder");
		holder.start();
		return () -> {
			running.set(false);
			holder.join(TimeUnit.MINUTES.toMillis(1));
			connection.close();
		};
	}

	/** What the producers were told. */
	public static final class Report {

		private final Set<String> succeeded = ConcurrentHashMap.newKeySet();

		private final Map<String, String> failed = new ConcurrentHashMap<>();

		/** The items whose call returned normally. */
		public Set<String> succeeded() {
			return this.succeeded;
		}

		/** The items whose call threw. */
		public Set<String> failed() {
			return this.failed.keySet();
		}

		/** How many calls threw each exception type (simple class names). */
		public Map<String, Long> errorsByType() {
			Map<String, Long> counts = new TreeMap<>();
			this.failed.values().forEach(type -> counts.merge(type, 1L, Long::sum));
			return counts;
		}

		/**
		 * Checks every report against the database, where no job has been handled.
		 * @param queue the queue the orders' jobs went to
		 * @return what does not match
		 */
		public Verdict check(JdbcTemplate jdbc, String queue) {
			return check(jdbc, queue, null);
		}

		/**
		 * Checks every report against the database.
		 * @param queue the queue the orders' jobs went to
		 * @param handledTable a table with one {@code order_id} row per job a worker
		 * handled and acknowledged (in one transaction), or {@code null}
		 * @return what does not match: false failures (reported failed, yet committed),
		 * lost successes (reported committed, yet absent), orders without exactly one job
		 * (live, dead or handled), jobs without an order
		 */
		public Verdict check(JdbcTemplate jdbc, String queue, String handledTable) {
			String handled = (handledTable != null)
					? "(SELECT count(*) FROM " + handledTable + " h WHERE h.order_id = o.id)" : "0";
			Set<String> committed = new HashSet<>(jdbc.queryForList("SELECT item FROM orders", String.class));
			Set<String> falseFailures = new HashSet<>(failed());
			falseFailures.retainAll(committed);
			Set<String> lost = new HashSet<>(this.succeeded);
			lost.removeAll(committed);
			return new Verdict(falseFailures, lost,
					jdbc.queryForObject(ORDERS_WITHOUT_ONE_JOB.formatted(handled), Long.class),
					jdbc.queryForObject(ORPHAN_JOBS, Long.class, queue));
		}

		@Override
		public String toString() {
			return this.succeeded.size() + " committed, " + this.failed.size() + " reported failed " + errorsByType();
		}

	}

	/**
	 * The mismatches between reports and the database.
	 *
	 * @param falseFailures items reported failed that committed
	 * @param lost items reported committed that are absent
	 * @param ordersWithoutOneJob orders with no job or several
	 * @param orphanJobs jobs whose order is absent
	 */
	public record Verdict(Set<String> falseFailures, Set<String> lost, long ordersWithoutOneJob, long orphanJobs) {

		@Override
		public String toString() {
			return this.falseFailures.size() + " false failures " + this.falseFailures.stream().limit(10).toList()
					+ ", " + this.lost.size() + " lost " + this.lost.stream().limit(10).toList() + ", "
					+ this.ordersWithoutOneJob + " orders without exactly one job, " + this.orphanJobs + " orphan jobs";
		}

		/** Whether every report matched the database. */
		public boolean consistent() {
			return this.falseFailures.isEmpty() && this.lost.isEmpty() && this.ordersWithoutOneJob == 0
					&& this.orphanJobs == 0;
		}

	}

}
