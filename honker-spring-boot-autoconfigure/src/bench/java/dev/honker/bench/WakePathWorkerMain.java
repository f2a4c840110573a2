package dev.honker.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.sqlite.SQLiteConnection;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.InfrastructureProxy;
import org.springframework.core.Ordered;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.transaction.PlatformTransactionManager;

import dev.honker.spring.boot.autoconfigure.HonkerAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.HonkerListenerAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.HonkerProperties;
import dev.honker.spring.listener.HonkerJob;
import dev.honker.spring.listener.HonkerListener;
import dev.honker.spring.listener.HonkerListenerContainerFactory;
import dev.honker.spring.listener.JobContext;
import dev.honker.spring.listener.JobInterceptor;
import dev.honker.spring.listener.ListenerDefaults;
import dev.honker.spring.listener.RetryBackoff;
import dev.honker.spring.watch.DatabaseWatcher;
import dev.honker.spring.watch.Subscription;

/**
 * The worker of {@link WakePathBreakdownBenchmark}: a Boot application with the starter's
 * auto-configuration and one {@code @HonkerListener} (queue {@code wake-path},
 * concurrency 4, ack mode from {@code honker.listener.ack-mode}) whose handler prints,
 * as its first action, {@code handled <job> <first line> <wake> <claim start> <lock>
 * <claim commit> <handler thread> <collections>}, each a {@code System.nanoTime()} but
 * the last, the number of garbage collections the JVM has run so far:
 * <ul>
 * <li>wake: the latest wake, before the claim started, of a second subscription to the
 * application's commit watcher (woken by the same {@code data_version} change as the
 * listener's);</li>
 * <li>claim start: the listener's thread asks the pool for the connection of the pass
 * that claimed the job;</li>
 * <li>lock: its {@code BEGIN IMMEDIATE} returned (after the read that checks the queue
 * has claimable jobs);</li>
 * <li>claim commit: the {@code COMMIT} of the transaction whose
 * {@code honker_claim_batch} returned the job returned;</li>
 * <li>handler thread: a handler thread starts the job (the first interceptor's
 * {@code beforeJob}).</li>
 * </ul>
 * The listener's connections are timed through a {@link DataSource} wrapper given to the
 * listener container factory only; the wrapper is an {@link InfrastructureProxy} of the
 * application's DataSource, so transactions (ack mode {@code TRANSACTIONAL}) bind to the
 * same connection as without it.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
		JacksonAutoConfiguration.class, PropertyPlaceholderAutoConfiguration.class, HonkerAutoConfiguration.class,
		HonkerListenerAutoConfiguration.class })
public class WakePathWorkerMain {

	static final String QUEUE = "wake-path";

	private static final Pattern JOB_ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");

	/** The claim timings of each claimed job, by id. */
	static final Map<Long, long[]> claims = new ConcurrentHashMap<>();

	/** When a handler thread started each job, by id. */
	static final Map<Long, Long> handlerThreads = new ConcurrentHashMap<>();

	private static final int WAKES = 64;

	/** The latest wakes of the probe subscription, a ring. */
	static final long[] wakes = new long[WAKES];

	static volatile int wakeCount;

	public static void main(String[] args) {
		new SpringApplicationBuilder(WakePathWorkerMain.class).web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.properties("spring.datasource.url=jdbc:sqlite:${worker.db}", "honker.sqlite.journal-mode=WAL",
					"honker.sqlite.busy-timeout=10s", "spring.datasource.hikari.data-source-properties.synchronous=NORMAL",
					"logging.level.root=WARN")
			.run(args);
		System.out.println("worker ready " + ProcessHandle.current().pid());
	}

	/**
	 * A factory with the listener properties, as the auto-configured one, on the timing
	 * wrapper of the DataSource.
	 */
	@Bean
	HonkerListenerContainerFactory honkerListenerContainerFactory(DataSource dataSource, DatabaseWatcher watcher,
			ObjectProvider<PlatformTransactionManager> transactionManager, HonkerProperties properties,
			ObjectProvider<JobInterceptor> interceptors) {
		HonkerProperties.Listener listener = properties.getListener();
		HonkerProperties.Backoff backoff = listener.getBackoff();
		ListenerDefaults defaults = new ListenerDefaults(listener.getConcurrency(), listener.isAutoStartup(),
				listener.getVisibilityTimeout(), listener.getIdlePollInterval(), listener.getShutdownTimeout(),
				listener.getAckMode(), new RetryBackoff(backoff.getInitialInterval(), backoff.getMultiplier(),
						backoff.getMaxInterval(), backoff.getJitter()),
				listener.getNonRetryableExceptions());
		HonkerListenerContainerFactory factory = new HonkerListenerContainerFactory(new TimedDataSource(dataSource),
				watcher, defaults, transactionManager.getIfUnique());
		factory.setInterceptors(interceptors.orderedStream().toList());
		return factory;
	}

	@Bean
	JobInterceptor handlerThreadTimer() {
		return new HandlerThreadTimer();
	}

	@Bean
	WakeProbe wakeProbe(DatabaseWatcher watcher) {
		return new WakeProbe(watcher.subscribe());
	}

	@Bean
	Handler handler() {
		return new Handler();
	}

	/** The listener: prints its timings as its first action. */
	static class Handler {

		@HonkerListener(id = "wake-path", queue = QUEUE, concurrency = "4")
		void handle(String payload, HonkerJob job) {
			long firstLine = System.nanoTime();
			long[] claim = claims.remove(job.id());
			Long handlerThread = handlerThreads.remove(job.id());
			if (claim == null || handlerThread == null) {
				System.out.println("untimed " + job.id());
				return;
			}
			System.out.println("handled " + job.id() + " " + firstLine + " " + wakeBefore(claim[0]) + " " + claim[0]
					+ " " + claim[1] + " " + claim[2] + " " + handlerThread + " " + collections());
		}

	}

	/** The garbage collections of every collector of this JVM so far. */
	private static long collections() {
		return ManagementFactory.getGarbageCollectorMXBeans()
			.stream()
			.mapToLong(GarbageCollectorMXBean::getCollectionCount)
			.sum();
	}

	/** The latest probe wake at or before {@code nanos}, or 0. */
	static long wakeBefore(long nanos) {
		long latest = 0;
		int count = wakeCount;
		for (int i = Math.max(0, count - WAKES); i < count; i++) {
			long wake = wakes[i % WAKES];
			if (wake <= nanos && wake > latest) {
				latest = wake;
			}
		}
		return latest;
	}

	/** A second subscription to the application's watcher, recording its wakes. */
	static final class WakeProbe {

		WakeProbe(Subscription subscription) {
			Thread thread = new Thread(() -> {
				try {
					while (true) {
						if (subscription.await(null, Duration.ofHours(1))) {
							int count = wakeCount;
							wakes[count % WAKES] = System.nanoTime();
							wakeCount = count + 1;
						}
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}, "wake-probe");
			thread.setDaemon(true);
			thread.start();
		}

	}

	/** Records when a handler thread starts each job; runs before all interceptors. */
	static final class HandlerThreadTimer implements JobInterceptor, Ordered {

		@Override
		public void beforeJob(JobContext context) {
			handlerThreads.put(context.job().id(), System.nanoTime());
		}

		@Override
		public void afterJob(JobContext context) {
		}

		@Override
		public int getOrder() {
			return Ordered.HIGHEST_PRECEDENCE;
		}

	}

	/**
	 * Times the connections the listener's claim thread takes; other threads get the
	 * application's connections as they are.
	 */
	static final class TimedDataSource extends DelegatingDataSource implements InfrastructureProxy {

		TimedDataSource(DataSource target) {
			super(target);
		}

		@Override
		public Connection getConnection() throws SQLException {
			Connection connection = super.getConnection();
			if (!Thread.currentThread().getName().startsWith("honker-listener-")) {
				return connection;
			}
			return proxy(Connection.class, connection, new ClaimConnection(connection, System.nanoTime()));
		}

		@Override
		public Object getWrappedObject() {
			return obtainTargetDataSource();
		}

	}

	/** One pass's connection: records its lock and commit, and the jobs it claimed. */
	private static final class ClaimConnection implements InvocationHandler {

		private final Connection target;

		private final long start;

		private long lock;

		private final List<Long> claimed = new ArrayList<>();

		ClaimConnection(Connection target, long start) {
			this.target = target;
			this.start = start;
		}

		@Override
		public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
			if (method.getName().equals("isWrapperFor") && args[0] == SQLiteConnection.class) {
				// The listener then prepares its claim on this proxy, where it is seen,
				// instead of reusing one prepared on the physical connection.
				return false;
			}
			Object result = call(this.target, method, args);
			if (method.getName().equals("createStatement")) {
				Statement statement = (Statement) result;
				return proxy(Statement.class, statement, (p, m, a) -> {
					Object value = call(statement, m, a);
					if (m.getName().equals("execute") && a != null && a[0] instanceof String sql) {
						executed(sql);
					}
					return value;
				});
			}
			if (method.getName().equals("prepareStatement") && args[0] instanceof String sql
					&& sql.contains("honker_claim_batch")) {
				PreparedStatement statement = (PreparedStatement) result;
				return proxy(PreparedStatement.class, statement, (p, m, a) -> {
					Object value = call(statement, m, a);
					if (m.getName().equals("executeQuery")) {
						ResultSet rows = (ResultSet) value;
						return proxy(ResultSet.class, rows, (rp, rm, ra) -> {
							Object column = call(rows, rm, ra);
							if (rm.getName().equals("getString") && column instanceof String json) {
								Matcher ids = JOB_ID.matcher(json);
								while (ids.find()) {
									this.claimed.add(Long.parseLong(ids.group(1)));
								}
							}
							return column;
						});
					}
					return value;
				});
			}
			return result;
		}

		private void executed(String sql) {
			long now = System.nanoTime();
			if (sql.equals("BEGIN IMMEDIATE")) {
				this.lock = now;
			}
			else if (sql.equals("COMMIT")) {
				for (Long id : this.claimed) {
					claims.put(id, new long[] { this.start, this.lock, now });
				}
				this.claimed.clear();
			}
		}

	}

	@SuppressWarnings("unchecked")
	private static <T> T proxy(Class<T> type, T target, InvocationHandler handler) {
		return (T) Proxy.newProxyInstance(WakePathWorkerMain.class.getClassLoader(), new Class<?>[] { type }, handler);
	}

	private static Object call(Object target, Method method, Object[] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

}
