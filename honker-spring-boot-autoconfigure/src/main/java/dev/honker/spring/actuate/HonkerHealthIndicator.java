package dev.honker.spring.actuate;

import org.jspecify.annotations.Nullable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.Assert;

import dev.honker.spring.core.HonkerDialect;
import dev.honker.spring.core.HonkerStatsSampler;
import dev.honker.spring.core.QueueStats;
import dev.honker.spring.listener.ListenerContainer;
import dev.honker.spring.listener.HonkerListenerContainer;
import dev.honker.spring.listener.HonkerListenerEndpointRegistry;
import dev.honker.spring.watch.DatabaseWatcher;

/**
 * The {@code honker} health: DOWN, with the reasons in the {@code reasons} detail, when
 * <ul>
 * <li>the commit watcher failed (for example because the database file was replaced), or
 * a listener stopped claiming on its own;</li>
 * <li>a listener's handler ended with a {@link VirtualMachineError} (an
 * {@link OutOfMemoryError}, a {@link StackOverflowError}, ...): the listener settled the
 * job and goes on, but the JVM may be damaged, so the health stays DOWN until the
 * application restarts;</li>
 * <li>the database is not writable: the file or its directory is not writable by this
 * process, or the pool's connections are {@code PRAGMA query_only};</li>
 * <li>the queue statistics cannot be read;</li>
 * <li>a threshold is crossed: a queue's oldest claimable job has waited longer than
 * {@link Thresholds#maxOldestPendingAge()}, or a queue's dead count grew by more than
 * {@link Thresholds#maxDeadGrowth()} within {@link Thresholds#deadGrowthWindow()}.</li>
 * </ul>
 * The queue figures come from the {@link HonkerStatsSampler}'s latest sample, so a health
 * probe runs one cheap {@code PRAGMA} and no statistics query.
 */
public class HonkerHealthIndicator extends AbstractHealthIndicator {

	private final @Nullable Path databaseFile;

	private final JdbcTemplate jdbc;

	private final HonkerStatsSampler sampler;

	private final @Nullable DatabaseWatcher watcher;

	private final @Nullable HonkerListenerEndpointRegistry listeners;

	private final Thresholds thresholds;

	/**
	 * Creates the indicator.
	 * @param databaseFile the SQLite database file, or {@code null} on PostgreSQL
	 * @param dataSource the application's DataSource on that file
	 * @param sampler the statistics sampler
	 * @param watcher the commit watcher, or {@code null} when this application has none
	 * @param listeners the listener registry, or {@code null} when this application has
	 * none
	 * @param thresholds the queue thresholds
	 */
	public HonkerHealthIndicator(@Nullable Path databaseFile, DataSource dataSource, HonkerStatsSampler sampler,
			@Nullable DatabaseWatcher watcher, @Nullable HonkerListenerEndpointRegistry listeners,
			Thresholds thresholds) {
		super("Honker health check failed");
		Assert.notNull(dataSource, "dataSource must not be null");
		Assert.notNull(sampler, "sampler must not be null");
		Assert.notNull(thresholds, "thresholds must not be null");
		this.databaseFile = databaseFile;
		this.jdbc = new JdbcTemplate(dataSource);
		this.sampler = sampler;
		this.watcher = watcher;
		this.listeners = listeners;
		this.thresholds = thresholds;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		List<String> reasons = new ArrayList<>();
		if (this.databaseFile != null) {
			builder.withDetail("database", this.databaseFile.toString());
		}
		builder.withDetail("watcher", watcherState(reasons));
		listenerFailures(reasons);
		builder.withDetail("writable", writable(reasons));
		HonkerStatsSampler.Sample sample = this.sampler.latest();
		if (this.sampler.failure() != null) {
			reasons.add("cannot read the queue statistics: " + this.sampler.failure().getMessage());
		}
		if (sample != null) {
			builder.withDetail("sampledAt", sample.at().toString());
			builder.withDetail("queues", queues(sample, reasons));
		}
		if (reasons.isEmpty()) {
			builder.up();
		}
		else {
			builder.down().withDetail("reasons", reasons);
		}
	}

	private String watcherState(List<String> reasons) {
		if (this.watcher == null) {
			return "none";
		}
		return this.watcher.failure().map(failure -> {
			reasons.add("the commit watcher stopped: " + failure.getMessage());
			return "failed";
		}).orElse("ok");
	}

	private void listenerFailures(List<String> reasons) {
		if (this.listeners == null) {
			return;
		}
		for (ListenerContainer container : this.listeners.getListenerContainers()) {
			container.getFailure()
				.ifPresent(failure -> reasons
					.add("listener '" + container.getId() + "' stopped claiming: " + failure.getMessage()));
			if (container instanceof HonkerListenerContainer jobs) {
				jobs.getVirtualMachineError()
					.ifPresent(error -> reasons.add("listener '" + container.getId() + "': a handler ended with "
							+ error + "; the JVM may be damaged, restart the application"));
			}
		}
	}

	private boolean writable(List<String> reasons) {
		if (this.databaseFile != null && !writableFile(this.databaseFile, reasons)) {
			return false;
		}
		HonkerDialect dialect = this.jdbc.execute((Connection connection) -> HonkerDialect.of(connection));
		Long queryOnly = this.jdbc.queryForObject(dialect.readOnly(), Long.class);
		if (queryOnly != null && queryOnly != 0) {
			reasons.add("the DataSource's connections are read-only (" + dialect.readOnly() + ")");
			return false;
		}
		return true;
	}

	private static boolean writableFile(Path databaseFile, List<String> reasons) {
		Path directory = databaseFile.toAbsolutePath().getParent();
		if (!Files.isWritable(databaseFile)) {
			reasons.add("the database file " + databaseFile + " is not writable by this process");
			return false;
		}
		if (directory != null && !Files.isWritable(directory)) {
			reasons.add("the directory of the database, " + directory
					+ ", is not writable by this process (SQLite creates its -wal and -shm files there)");
			return false;
		}
		return true;
	}

	private Map<String, Object> queues(HonkerStatsSampler.Sample sample, List<String> reasons) {
		Map<String, Long> deadGrowth = (this.thresholds.maxDeadGrowth() != null)
				? this.sampler.deadGrowth(this.thresholds.deadGrowthWindow()) : Map.of();
		Map<String, Object> queues = new LinkedHashMap<>();
		for (QueueStats queue : sample.queues()) {
			Duration age = queue.oldestPendingAge();
			if (this.thresholds.maxOldestPendingAge() != null
					&& age.compareTo(this.thresholds.maxOldestPendingAge()) > 0) {
				reasons.add("queue '" + queue.queue() + "': the oldest claimable job has waited " + age.toSeconds()
						+ "s, more than the threshold of " + this.thresholds.maxOldestPendingAge().toSeconds() + "s");
			}
			long grown = deadGrowth.getOrDefault(queue.queue(), 0L);
			if (this.thresholds.maxDeadGrowth() != null && grown > this.thresholds.maxDeadGrowth()) {
				reasons.add("queue '" + queue.queue() + "': " + grown + " jobs died within the last "
						+ this.thresholds.deadGrowthWindow().toSeconds() + "s, more than the threshold of "
						+ this.thresholds.maxDeadGrowth());
			}
			Map<String, Object> figures = new LinkedHashMap<>();
			figures.put("pending", queue.pending());
			figures.put("processing", queue.processing());
			figures.put("dead", queue.dead());
			figures.put("oldestPendingAgeSeconds", age.toSeconds());
			queues.put(queue.queue(), figures);
		}
		return queues;
	}

	/**
	 * When queue figures make the health DOWN.
	 *
	 * @param maxOldestPendingAge the longest a claimable job may wait, or {@code null}
	 * for no limit
	 * @param maxDeadGrowth how many jobs of one queue may die within
	 * {@code deadGrowthWindow}, or {@code null} for no limit
	 * @param deadGrowthWindow the window of {@code maxDeadGrowth}
	 */
	public record Thresholds(@Nullable Duration maxOldestPendingAge, @Nullable Long maxDeadGrowth,
			Duration deadGrowthWindow) {

		public Thresholds {
			Assert.notNull(deadGrowthWindow, "deadGrowthWindow must not be null");
		}

	}

}
