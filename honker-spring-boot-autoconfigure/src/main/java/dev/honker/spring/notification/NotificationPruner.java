package dev.honker.spring.notification;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

import dev.honker.spring.core.HonkerDialect;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.listener.WakeLoopContainer;
import dev.honker.spring.watch.DatabaseWatcher;
import org.jspecify.annotations.Nullable;

/**
 * Keeps {@code _honker_notifications} bounded in a worker app, on its own thread, never
 * on a request's. Every {@code interval} it deletes the notifications older than
 * {@code maxAge} and all but the latest {@code maxCount}. Between those rounds, each
 * commit the watcher sees costs one indexed look at the latest id; once a tenth of
 * {@code maxCount} notifications (at least one) may have arrived since the last count
 * pruning, it prunes by count at once, so a burst never grows the table far beyond
 * {@code maxCount}.
 *
 * <p>
 * Several worker apps on one file may each prune; the deletes are idempotent. A listener
 * that was stopped while a notification was pruned never sees it.
 */
public class NotificationPruner extends WakeLoopContainer {

	private static final Log logger = LogFactory.getLog(NotificationPruner.class);

	private final HonkerTemplate template;

	private final DataSource dataSource;

	private final @Nullable Duration maxAge;

	private final @Nullable Long maxCount;

	private final long countSlack;

	private final Duration interval;

	private long prunedUpTo;

	private Instant nextRound;

	/**
	 * Creates the pruner.
	 * @param template runs the deletes
	 * @param dataSource the template's DataSource
	 * @param watcher the commit watcher of the database
	 * @param maxAge notifications older than this are deleted, or {@code null} for no age
	 * limit
	 * @param maxCount the most notifications kept, or {@code null} for no count limit
	 * @param interval time between pruning rounds; positive
	 */
	public NotificationPruner(HonkerTemplate template, DataSource dataSource, DatabaseWatcher watcher,
			@Nullable Duration maxAge, @Nullable Long maxCount, Duration interval) {
		super("notification-pruner", "pruning of _honker_notifications", watcher, interval, true);
		this.template = Objects.requireNonNull(template, "template must not be null");
		this.dataSource = Objects.requireNonNull(dataSource, "dataSource must not be null");
		if (maxCount != null && maxCount < 0) {
			throw new IllegalArgumentException("max-count must not be negative, got " + maxCount);
		}
		if (maxAge != null && maxAge.isNegative()) {
			throw new IllegalArgumentException("max-age must not be negative, got " + maxAge);
		}
		if (interval.isZero() || interval.isNegative()) {
			throw new IllegalArgumentException("prune-interval must be positive, got " + interval);
		}
		this.maxAge = maxAge;
		this.maxCount = maxCount;
		this.countSlack = (maxCount != null) ? Math.max(1, maxCount / 10) : Long.MAX_VALUE;
		this.interval = interval;
	}

	@Override
	protected String threadName() {
		return "honker-notification-pruner";
	}

	@Override
	protected void beforeFirstPass() {
		this.nextRound = Instant.now();
	}

	@Override
	protected Instant pass() {
		if (!Instant.now().isBefore(this.nextRound)) {
			prune(this.maxAge, this.maxCount);
			this.nextRound = Instant.now().plus(this.interval);
		}
		else if (this.maxCount != null && this.template.lastNotificationId() - this.prunedUpTo >= this.countSlack) {
			prune(null, this.maxCount);
		}
		return this.nextRound;
	}

	private void prune(@Nullable Duration olderThan, @Nullable Long keep) {
		long latest = this.template.lastNotificationId();
		long deleted = immediate(() -> this.template.pruneNotifications(olderThan, keep));
		this.prunedUpTo = latest;
		if (logger.isDebugEnabled()) {
			logger.debug("pruned " + deleted + " notification(s)");
		}
	}

	/**
	 * Runs a template call in a write transaction of its own ({@code BEGIN IMMEDIATE} on
	 * SQLite), bound for the template, so that under a burst of writes it waits for the
	 * write lock instead of failing to upgrade a read.
	 */
	private long immediate(LongSupplier call) {
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute(HonkerDialect.of(connection).beginWrite());
			TransactionSynchronizationManager.bindResource(this.dataSource, new ConnectionHolder(connection));
			try {
				long result = call.getAsLong();
				statement.execute("COMMIT");
				return result;
			}
			catch (RuntimeException ex) {
				statement.execute("ROLLBACK");
				throw ex;
			}
			finally {
				TransactionSynchronizationManager.unbindResource(this.dataSource);
			}
		}
		catch (SQLException ex) {
			throw new UncategorizedSQLException("prune notifications", null, ex);
		}
	}

}
