package dev.honker.spring.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.honker.spring.core.DeadJobPage;
import dev.honker.spring.core.HonkerStats;
import dev.honker.spring.core.JobCursor;
import dev.honker.spring.core.LiveJobPage;
import dev.honker.spring.core.LiveJobState;
import dev.honker.spring.core.QueueStats;
import dev.honker.spring.core.ScheduleStats;
import dev.honker.spring.core.StreamConsumerStats;
import dev.honker.spring.core.StreamTopicStats;
import dev.honker.spring.core.WorkerClaims;
import dev.honker.spring.dashboard.Views.FireRow;
import dev.honker.spring.dashboard.Views.JobRow;
import dev.honker.spring.dashboard.Views.JobView;
import dev.honker.spring.dashboard.Views.ListenerRow;
import dev.honker.spring.dashboard.Views.Overview;
import dev.honker.spring.dashboard.Views.QueuePage;
import dev.honker.spring.dashboard.Views.QueueRow;
import dev.honker.spring.dashboard.Views.ScheduleRow;
import dev.honker.spring.dashboard.Views.TopicRow;
import dev.honker.spring.dashboard.Views.ConsumerRow;
import dev.honker.spring.dashboard.Views.WorkerRow;
import dev.honker.spring.listener.HonkerListenerContainer;
import dev.honker.spring.listener.HonkerListenerEndpointRegistry;
import dev.honker.spring.listener.ListenerContainer;
import dev.honker.spring.scheduler.HonkerSchedulerLeader;

/**
 * What the dashboard shows, read through {@link HonkerStats} and the listener registry.
 * Remembers the worker ids it has seen in claims for {@link #WORKER_MEMORY}, so a worker
 * between two jobs stays listed.
 */
final class DashboardData {

	static final Duration WORKER_MEMORY = Duration.ofMinutes(10);

	static final int DEFAULT_PAGE_SIZE = 25;

	private static final Log logger = LogFactory.getLog(DashboardData.class);

	private final HonkerStats stats;

	private final HonkerListenerEndpointRegistry listeners;

	private final HonkerSchedulerLeader leader;

	private final ThroughputHistory throughput;

	private final Clock clock;

	private final Map<WorkerKey, WorkerRow> workersSeen = new ConcurrentHashMap<>();

	DashboardData(HonkerStats stats, HonkerListenerEndpointRegistry listeners, HonkerSchedulerLeader leader,
			ThroughputHistory throughput, Clock clock) {
		this.stats = stats;
		this.listeners = listeners;
		this.leader = leader;
		this.throughput = throughput;
		this.clock = clock;
	}

	Overview overview() {
		Map<String, QueueRow> queues = new TreeMap<>();
		for (QueueStats queue : this.stats.queues()) {
			queues.put(queue.queue(), QueueRow.of(queue));
		}
		List<ListenerRow> listenerRows = listeners();
		for (ListenerRow listener : listenerRows) {
			if (listener.queue() != null) {
				queues.computeIfAbsent(listener.queue(), name -> QueueRow.of(QueueStats.empty(name)));
			}
		}
		List<ScheduleRow> schedules = this.stats.schedules()
			.stream()
			.map(schedule -> new ScheduleRow(schedule.name(), schedule.queue(), schedule.expression(),
					schedule.nextFireAt().getEpochSecond(), schedule.paused(), lastFires(schedule.name())))
			.toList();
		return new Overview(this.clock.millis(), new ArrayList<>(queues.values()), this.throughput.buckets(), workers(),
				listenerRows, schedules, topics());
	}

	/**
	 * The statistics' {@linkplain HonkerStats#changeStamp() change stamp}, or
	 * {@code null} when it cannot be read (a schema without one of its tables, a failed
	 * read): the caller then refreshes as if it changed.
	 */
	@Nullable String changeStamp() {
		try {
			return this.stats.changeStamp();
		}
		catch (RuntimeException ex) {
			if (logger.isDebugEnabled()) {
				logger.debug("Honker dashboard: reading the change stamp failed: " + ex.getMessage());
			}
			return null;
		}
	}

	/**
	 * The latest fires of a schedule as this application's scheduler leader made them:
	 * Honker's schedule table keeps only the next boundary, and a fired job carries no
	 * schedule name, so fires made by another process are not known.
	 */
	private List<FireRow> lastFires(String schedule) {
		if (this.leader == null) {
			return List.of();
		}
		return this.leader.recentFires(schedule)
			.stream()
			.map(fire -> new FireRow(fire.fireAt().getEpochSecond(), fire.jobId()))
			.toList();
	}

	/** The names of the registered schedules. */
	List<String> scheduleNames() {
		return this.stats.schedules().stream().map(ScheduleStats::name).toList();
	}

	/**
	 * Every topic that has events or a consumer, with each consumer's offset and lag.
	 */
	private List<TopicRow> topics() {
		Map<String, List<ConsumerRow>> consumers = new TreeMap<>();
		for (StreamConsumerStats consumer : this.stats.streamConsumers()) {
			consumers.computeIfAbsent(consumer.topic(), topic -> new ArrayList<>())
				.add(new ConsumerRow(consumer.consumer(), consumer.offset(), consumer.lag()));
		}
		Map<String, Long> lastOffsets = new TreeMap<>();
		for (StreamTopicStats topic : this.stats.streamTopics()) {
			lastOffsets.put(topic.topic(), topic.lastOffset());
		}
		Set<String> names = new TreeSet<>(lastOffsets.keySet());
		names.addAll(consumers.keySet());
		return names.stream()
			.map(name -> new TopicRow(name, lastOffsets.getOrDefault(name, 0L),
					consumers.getOrDefault(name, List.of())))
			.toList();
	}

	private List<WorkerRow> workers() {
		long now = this.clock.instant().getEpochSecond();
		for (WorkerClaims claims : this.stats.workers()) {
			WorkerKey key = new WorkerKey(claims.workerId(), claims.queue());
			this.workersSeen.put(key, new WorkerRow(claims.workerId(), claims.queue(), claims.jobs(), now));
		}
		long forgetBefore = now - WORKER_MEMORY.toSeconds();
		this.workersSeen.values().removeIf(worker -> worker.lastSeen() < forgetBefore);
		return this.workersSeen.values()
			.stream()
			.map(worker -> (worker.lastSeen() == now) ? worker
					: new WorkerRow(worker.workerId(), worker.queue(), 0, worker.lastSeen()))
			.sorted((a, b) -> (a.queue() + "\u0000" + a.workerId()).compareTo(b.queue() + "\u0000" + b.workerId()))
			.toList();
	}

	private List<ListenerRow> listeners() {
		List<ListenerRow> rows = new ArrayList<>();
		if (this.listeners != null) {
			for (ListenerContainer container : this.listeners.getListenerContainers()) {
				String queue = (container instanceof HonkerListenerContainer jobs) ? jobs.getQueue() : null;
				rows.add(new ListenerRow(container.getId(), queue, container.getListenerDescription(),
						container.isRunning(), container.isPaused(),
						container.getFailure().map(Throwable::getMessage).orElse(null)));
			}
			rows.sort((a, b) -> a.id().compareTo(b.id()));
		}
		return rows;
	}

	/**
	 * Whether the queue has live or dead jobs, a listener in this application or a
	 * schedule.
	 */
	boolean isKnownQueue(String queue) {
		if (listeners().stream().anyMatch(listener -> queue.equals(listener.queue()))) {
			return true;
		}
		if (this.stats.schedules().stream().anyMatch(schedule -> schedule.queue().equals(queue))) {
			return true;
		}
		QueueStats stats = this.stats.queue(queue);
		return stats.pending() + stats.processing() + stats.dead() > 0;
	}

	/**
	 * One page of a queue's jobs.
	 * @param queue the queue
	 * @param state {@code pending}, {@code processing} or {@code dead}
	 * @param after the previous page's {@code next}, or {@code null}
	 * @param limit the page size
	 */
	QueuePage queuePage(String queue, JobListState state, String after, int limit) {
		QueueRow row = QueueRow.of(this.stats.queue(queue));
		if (state == JobListState.DEAD) {
			Long before = (after != null) ? parseBefore(after) : null;
			DeadJobPage page = this.stats.deadJobs(queue, before, limit);
			return new QueuePage(row, state.value(), page.jobs().stream().map(JobRow::of).toList(),
					(page.nextBefore() != null) ? page.nextBefore().toString() : null, limit);
		}
		LiveJobState live = (state == JobListState.PENDING) ? LiveJobState.PENDING : LiveJobState.PROCESSING;
		LiveJobPage page = this.stats.liveJobs(queue, live, (after != null) ? JobCursor.parse(after) : null, limit);
		return new QueuePage(row, state.value(), page.jobs().stream().map(JobRow::of).toList(),
				(page.next() != null) ? page.next().toString() : null, limit);
	}

	Optional<JobView> job(long id) {
		return this.stats.job(id).map(JobView::of);
	}

	private static Long parseBefore(String after) {
		try {
			return Long.valueOf(after);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("after must be a job id for dead jobs, got '" + after + "'");
		}
	}

	private record WorkerKey(String workerId, String queue) {
	}

	/** The job lists of a queue page. */
	enum JobListState {

		PENDING, PROCESSING, DEAD;

		String value() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

		static JobListState parse(String value) {
			for (JobListState state : values()) {
				if (state.value().equals(value)) {
					return state;
				}
			}
			throw new IllegalArgumentException("state must be pending, processing or dead, got '" + value + "'");
		}

	}

}
