package dev.honker.spring.test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.util.Assert;

import dev.honker.spring.core.HonkerDialect;
import dev.honker.spring.listener.HonkerListenerContainer;
import dev.honker.spring.listener.HonkerListenerEndpointRegistry;
import dev.honker.spring.watch.DatabaseWatcher;
import dev.honker.spring.watch.SqliteDatabaseWatcher;
import dev.honker.spring.watch.Subscription;
import dev.honker.spring.watch.WatcherOptions;
import tools.jackson.databind.ObjectMapper;

/**
 * Helps tests of an application that uses Honker: lists the jobs enqueued since the test
 * started, waits until a queue is drained, and runs a listener's pending jobs in the test
 * thread, on SQLite and on PostgreSQL alike (the database is told by the DataSource).
 *
 * <p>
 * In a Spring test the bean is auto-configured when this module is on the test classpath,
 * and {@link #startTest()} runs before each test method. Reads join the test's
 * transaction, if any, so they see its uncommitted enqueues. To record every enqueue,
 * from any connection or process, it adds a table {@code _honker_test_enqueued} and a
 * trigger on {@code _honker_live} to the (test) database (on PostgreSQL in Honker's
 * schema {@code honker}, with a trigger function {@code honker._honker_test_capture()}).
 */
public class HonkerTestSupport {

	/** How long {@link #awaitDrained(String)} waits. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

	/** How often {@link #awaitDrained} checks without a watcher on PostgreSQL. */
	private static final Duration CHECK_INTERVAL = Duration.ofMillis(100);

	private final DataSource dataSource;

	private final ObjectMapper mapper;

	private final @Nullable HonkerListenerEndpointRegistry registry;

	private final @Nullable DatabaseWatcher watcher;

	private volatile long startedAfterId = -1;

	/**
	 * Creates the support.
	 * @param dataSource the application's SQLite or PostgreSQL DataSource, with the
	 * Honker schema (on PostgreSQL, with {@code honker} on its connections'
	 * {@code search_path}, as the auto-configuration sets it)
	 * @param mapper reads payloads for {@link #enqueuedPayloads}
	 * @param registry the listener registry, or {@code null} if the application has no
	 * listeners
	 * @param watcher the commit watcher that wakes {@link #awaitDrained}, or
	 * {@code null}: then on SQLite it creates one on the database file when needed, and
	 * on PostgreSQL {@link #awaitDrained} checks every 100 ms
	 */
	public HonkerTestSupport(DataSource dataSource, ObjectMapper mapper,
			@Nullable HonkerListenerEndpointRegistry registry, @Nullable DatabaseWatcher watcher) {
		this.dataSource = Objects.requireNonNull(dataSource, "dataSource must not be null");
		this.mapper = Objects.requireNonNull(mapper, "mapper must not be null");
		this.registry = registry;
		this.watcher = watcher;
	}

	/**
	 * Starts recording enqueues; {@link #enqueuedJobs()} lists the jobs enqueued after
	 * this call. Runs before each test method of a Spring test.
	 */
	public void startTest() {
		try (Connection connection = this.dataSource.getConnection()) {
			HonkerDialect dialect = HonkerDialect.of(connection);
			EnqueueCapture.install(connection, dialect);
			try (Statement statement = connection.createStatement();
					ResultSet row = statement.executeQuery("SELECT " + dialect.highestJobId())) {
				row.next();
				this.startedAfterId = row.getLong(1);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(
					"cannot start recording enqueued jobs (is the Honker schema there?): " + ex.getMessage(), ex);
		}
	}

	/**
	 * The jobs enqueued since the test started, in enqueue order, whatever became of
	 * them.
	 * @return the jobs
	 */
	public List<EnqueuedJob> enqueuedJobs() {
		return query(null);
	}

	/**
	 * The jobs enqueued on a queue since the test started, in enqueue order.
	 * @param queue the queue
	 * @return the jobs
	 */
	public List<EnqueuedJob> enqueuedJobs(String queue) {
		Assert.hasText(queue, "queue must not be empty");
		return query(queue);
	}

	/**
	 * The payloads of the jobs enqueued on a queue since the test started, read as
	 * {@code type} with the application's mapper.
	 * @param queue the queue
	 * @param type the payload type
	 * @param <T> the payload type
	 * @return the payloads, in enqueue order
	 */
	public <T> List<T> enqueuedPayloads(String queue, Class<T> type) {
		Assert.notNull(type, "type must not be null");
		return enqueuedJobs(queue).stream().map(job -> this.mapper.readValue(job.payload(), type)).toList();
	}

	/**
	 * Waits up to {@link #DEFAULT_TIMEOUT} until a queue has no pending or running job.
	 * @param queue the queue
	 * @throws AssertionError if jobs are left after the timeout
	 */
	public void awaitDrained(String queue) {
		awaitDrained(queue, DEFAULT_TIMEOUT);
	}

	/**
	 * Waits until a queue has no pending or running job (delayed jobs and jobs waiting
	 * for a retry count as pending), woken by each commit to the database (checking every
	 * 100 ms on PostgreSQL when the support was created without a watcher).
	 * @param queue the queue
	 * @param timeout the longest wait
	 * @throws AssertionError if jobs are left after the timeout
	 */
	public void awaitDrained(String queue, Duration timeout) {
		Assert.hasText(queue, "queue must not be empty");
		Assert.isTrue(timeout != null && !timeout.isNegative(), "timeout must not be negative");
		Instant deadline = Instant.now().plus(timeout);
		try (Subscription subscription = subscribeToCommits()) {
			long left = liveJobs(queue);
			while (left > 0) {
				if (!Instant.now().isBefore(deadline)) {
					throw new AssertionError("queue '" + queue + "' still has " + left + " pending or running job(s)"
							+ " after " + timeout);
				}
				if (subscription != null) {
					subscription.await(deadline, CHECK_INTERVAL);
				}
				else {
					Thread.sleep(CHECK_INTERVAL.toMillis());
				}
				left = liveJobs(queue);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted while waiting for queue '" + queue + "' to drain", ex);
		}
	}

	/**
	 * Runs the claimable jobs of a listener's queue in the calling thread, through the
	 * listener's converter, interceptors and error handler, until none is left (see
	 * {@link HonkerListenerContainer#runPending()}). Stop or pause the listener first,
	 * for example with {@code honker.listener.auto-startup=false} or
	 * {@code @HonkerListener(autoStartup = "false")}, so that its own threads take none.
	 * @param listenerId the listener id
	 * @return the number of job attempts run
	 * @throws IllegalArgumentException if no job listener has this id
	 */
	public int runPending(String listenerId) {
		Assert.hasText(listenerId, "listenerId must not be empty");
		HonkerListenerContainer container = (this.registry != null)
				? this.registry.getListenerContainer(listenerId, HonkerListenerContainer.class) : null;
		if (container == null) {
			throw new IllegalArgumentException("no job listener with id '" + listenerId + "'; known ids: "
					+ ((this.registry != null) ? this.registry.getListenerContainerIds() : "none"));
		}
		try {
			return container.runPending();
		}
		catch (SQLException ex) {
			throw new IllegalStateException(
					"cannot run the pending jobs of listener '" + listenerId + "': " + ex.getMessage(), ex);
		}
	}

	private List<EnqueuedJob> query(@Nullable String queue) {
		if (this.startedAfterId < 0) {
			throw new IllegalStateException(
					"recording has not started: call startTest() first (Spring tests do it before each test method)");
		}
		String sql = "SELECT id, queue, payload, priority, run_at, max_attempts FROM _honker_test_enqueued"
				+ " WHERE id > ?" + ((queue != null) ? " AND queue = ?" : "") + " ORDER BY id";
		Connection connection = DataSourceUtils.getConnection(this.dataSource);
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setLong(1, this.startedAfterId);
			if (queue != null) {
				statement.setString(2, queue);
			}
			List<EnqueuedJob> jobs = new ArrayList<>();
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					jobs.add(new EnqueuedJob(rows.getLong(1), rows.getString(2), rows.getString(3), rows.getLong(4),
							Instant.ofEpochSecond(rows.getLong(5)), rows.getLong(6)));
				}
			}
			return jobs;
		}
		catch (SQLException ex) {
			throw new IllegalStateException("cannot read the enqueued jobs: " + ex.getMessage(), ex);
		}
		finally {
			DataSourceUtils.releaseConnection(connection, this.dataSource);
		}
	}

	private long liveJobs(String queue) {
		Connection connection = DataSourceUtils.getConnection(this.dataSource);
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT count(*) FROM _honker_live WHERE queue = ?")) {
			statement.setString(1, queue);
			try (ResultSet row = statement.executeQuery()) {
				row.next();
				return row.getLong(1);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("cannot count the jobs of queue '" + queue + "': " + ex.getMessage(), ex);
		}
		finally {
			DataSourceUtils.releaseConnection(connection, this.dataSource);
		}
	}

	/**
	 * A subscription to the database's commits: the application's watcher, or on SQLite
	 * one on the database file; {@code null} on PostgreSQL without a watcher.
	 */
	private @Nullable Subscription subscribeToCommits() {
		if (this.watcher != null) {
			return this.watcher.subscribe();
		}
		try (Connection connection = this.dataSource.getConnection()) {
			if (HonkerDialect.of(connection) == HonkerDialect.POSTGRESQL) {
				return null;
			}
			try (Statement statement = connection.createStatement();
					ResultSet row = statement
						.executeQuery("SELECT file FROM pragma_database_list WHERE name = 'main'")) {
				row.next();
				return new SqliteDatabaseWatcher(Path.of(row.getString(1)), WatcherOptions.DEFAULTS).subscribe();
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("cannot find the database to watch: " + ex.getMessage(), ex);
		}
	}

}
