package dev.honker.spring.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.Assert;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

import dev.honker.spring.core.HonkerDeadLetters;
import dev.honker.spring.core.HonkerStats;
import dev.honker.spring.listener.HonkerListenerEndpointRegistry;
import dev.honker.spring.scheduler.HonkerSchedulerLeader;
import dev.honker.spring.scheduler.HonkerSchedules;
import dev.honker.spring.web.HonkerEvents;

/**
 * The Honker dashboard: an HTML page of the queues, jobs, dead letters, listeners,
 * schedules and stream consumers of the database, and the JSON API it reads, all below
 * one base path (for example {@code /honker}):
 * <ul>
 * <li>pages: {@code /honker}, {@code /honker/queue?name={queue}},
 * {@code /honker/jobs/{id}} (404 pages for unknown queues and jobs that are gone); a
 * queue is always named by a query parameter, since its name can contain a slash, which
 * servlet containers refuse encoded in a path;</li>
 * <li>reads: {@code GET /honker/api/overview},
 * {@code /honker/api/queue?name={queue}&state= pending|processing|dead&after=&limit=},
 * {@code /honker/api/jobs/{id}}, and {@code /honker/api/events}, a Server-Sent Events
 * stream of the overview, sent after commits;</li>
 * <li>writes (POST): {@code /honker/api/jobs/{id}/requeue} and {@code .../delete} (dead
 * jobs), {@code /honker/api/queue/requeue-dead?name={queue}} and {@code .../delete-dead},
 * {@code /honker/api/listeners/{id}/pause} and {@code .../resume},
 * {@code /honker/api/schedule/pause?name={schedule}} and {@code .../resume}.</li>
 * </ul>
 * Register {@link #routes()} as a bean in a Spring MVC application. Reads go through
 * {@link HonkerStats}; the page escapes every value it shows. The page sends Spring
 * Security's CSRF token with its writes when the request carries one. Protect the base
 * path with the application's own security: the dashboard has none of its own.
 *
 * <p>
 * As a lifecycle, it reads {@link HonkerStats#counters()} every 10 seconds for the
 * throughput chart, while someone looks: while a page has live updates open and they were
 * refreshed after a change since the last reading, or within 5 minutes of a read of the
 * JSON API.
 */
public class HonkerDashboard implements SmartLifecycle {

	/**
	 * How long after a read of the JSON API (a page that polls) the throughput counters
	 * are still read.
	 */
	static final Duration VIEWED_WITHIN = ThroughputHistory.BUCKET.multipliedBy(ThroughputHistory.BUCKETS);

	private final String basePath;

	private final DashboardData data;

	private final DashboardApi api;

	private final DashboardPages pages;

	private final ThroughputHistory throughput;

	private final DashboardLive live;

	private ScheduledExecutorService sampler;

	private volatile Instant lastRead = Instant.EPOCH;

	private long refreshesAtLastSample = -1;

	/**
	 * Creates the dashboard.
	 * @param basePath the path of the page, for example {@code /honker}: starts with a
	 * slash, no trailing slash
	 * @param stats the statistics
	 * @param deadLetters the dead-job operations
	 * @param listeners the listener registry of this application, or {@code null}
	 * @param schedules pauses and resumes schedules, or {@code null} (the page then has
	 * no pause and resume buttons for them)
	 * @param leader this application's scheduler leader, whose latest fires the page
	 * lists, or {@code null}
	 * @param events the events thread that sends the live updates after commits, or
	 * {@code null} (the page then polls every few seconds)
	 * @param updateInterval the shortest time between two live updates
	 */
	public HonkerDashboard(String basePath, HonkerStats stats, HonkerDeadLetters deadLetters,
			@Nullable HonkerListenerEndpointRegistry listeners, @Nullable HonkerSchedules schedules,
			@Nullable HonkerSchedulerLeader leader, @Nullable HonkerEvents events, Duration updateInterval) {
		Assert.isTrue(isValidBasePath(basePath), () -> "basePath must start with '/', not end with '/' and"
				+ " contain only letters, digits and - . _ ~ /, got '" + basePath + "'");
		Assert.notNull(stats, "stats must not be null");
		Assert.notNull(deadLetters, "deadLetters must not be null");
		Assert.isTrue(updateInterval != null && !updateInterval.isNegative(),
				() -> "updateInterval must not be negative, got " + updateInterval);
		this.basePath = basePath;
		this.throughput = new ThroughputHistory(stats);
		this.data = new DashboardData(stats, listeners, leader, this.throughput, Clock.systemUTC());
		this.api = new DashboardApi(this.data, deadLetters, listeners, schedules);
		this.pages = new DashboardPages(basePath);
		this.live = (events != null)
				? new DashboardLive(events, this.api::overviewJson, this.data::changeStamp, updateInterval) : null;
	}

	/** The live updates of the pages, or {@code null} when the page polls. */
	@Nullable DashboardLive live() {
		return this.live;
	}

	/**
	 * Whether {@code path} can be the dashboard's base path.
	 * @param path the path
	 */
	public static boolean isValidBasePath(String path) {
		return path != null && path.matches("(/[A-Za-z0-9._~-]+)+");
	}

	/** The page, its assets and its API, as Spring MVC functional endpoints. */
	public RouterFunction<ServerResponse> routes() {
		String api = this.basePath + "/api";
		return RouterFunctions.route()
			.GET(this.basePath, request -> this.pages.page(request, "overview", ""))
			.GET(this.basePath + "/", request -> this.pages.page(request, "overview", ""))
			.GET(this.basePath + "/queue", this::queuePage)
			.GET(this.basePath + "/jobs/{id}", this::jobPage)
			.GET(this.basePath + "/assets/{name}", this.pages::asset)
			.GET(api + "/overview", this.api::overview)
			.GET(api + "/events", this::events)
			.GET(api + "/queue", this.api::queue)
			.GET(api + "/jobs/{id}", this.api::job)
			.POST(api + "/jobs/{id}/requeue", this.api::requeue)
			.POST(api + "/jobs/{id}/delete", this.api::delete)
			.POST(api + "/queue/requeue-dead", this.api::requeueDead)
			.POST(api + "/queue/delete-dead", this.api::deleteDead)
			.POST(api + "/listeners/{id}/pause", this.api::pause)
			.POST(api + "/listeners/{id}/resume", this.api::resume)
			.POST(api + "/schedule/pause", this.api::pauseSchedule)
			.POST(api + "/schedule/resume", this.api::resumeSchedule)
			.filter((request, next) -> {
				if (request.path().startsWith(api + "/") && !request.path().equals(api + "/events")) {
					this.lastRead = Instant.now();
				}
				return next.handle(request);
			})
			.onError(IllegalArgumentException.class, (error, request) -> this.api.badRequest(error))
			.build();
	}

	/** The number of pages that have live updates open. */
	public int getLivePageCount() {
		return (this.live != null) ? this.live.pageCount() : 0;
	}

	private ServerResponse queuePage(ServerRequest request) {
		String queue = request.param("name").orElse("");
		if (queue.isEmpty()) {
			return this.pages.notFound("No such queue",
					"Give the queue as ?name=, for example " + this.basePath + "/queue?name=emails.");
		}
		if (!this.data.isKnownQueue(queue)) {
			return this.pages.notFound("No such queue", DashboardApi.unknownQueue(queue));
		}
		return this.pages.page(request, "queue", queue);
	}

	private ServerResponse jobPage(ServerRequest request) {
		String id = request.pathVariable("id");
		long jobId;
		try {
			jobId = Long.parseLong(id);
		}
		catch (NumberFormatException ex) {
			return this.pages.notFound("No such job", "'" + id + "' is not a job id: job ids are numbers.");
		}
		if (this.data.job(jobId).isEmpty()) {
			return this.pages.notFound("Job " + jobId + " is gone", DashboardApi.gone(jobId));
		}
		return this.pages.page(request, "job", id);
	}

	private ServerResponse events(ServerRequest request) {
		if (this.live == null) {
			return DashboardApi.message(HttpStatus.NOT_FOUND,
					"Live updates need HonkerEvents and the commit watcher, which this application does not run; the page polls instead.");
		}
		return this.live.open();
	}

	/** Starts reading the counters for the throughput chart. */
	@Override
	public synchronized void start() {
		if (this.sampler == null) {
			CustomizableThreadFactory threads = new CustomizableThreadFactory("honker-dashboard-");
			threads.setDaemon(true);
			this.sampler = Executors.newSingleThreadScheduledExecutor(threads);
			long period = ThroughputHistory.BUCKET.toMillis();
			this.sampler.scheduleAtFixedRate(this::sampleThroughput, 0, period, TimeUnit.MILLISECONDS);
		}
		if (this.live != null) {
			this.live.start();
		}
	}

	/**
	 * Closes a throughput bucket: reads the counters while someone looks at the
	 * dashboard, and, while a page has live updates open, only if they were refreshed
	 * after a change since the last reading.
	 */
	private void sampleThroughput() {
		Instant now = Instant.now();
		if (this.live != null && this.live.pageCount() > 0) {
			long refreshes = this.live.refreshes();
			if (refreshes == this.refreshesAtLastSample) {
				this.throughput.unchanged(now);
				return;
			}
			this.refreshesAtLastSample = refreshes;
		}
		else if (Duration.between(this.lastRead, now).compareTo(VIEWED_WITHIN) > 0) {
			this.throughput.pause();
			return;
		}
		if (this.throughput.sample() && this.live != null) {
			this.live.signal();
		}
	}

	/** Stops the counters and ends every page's live updates. */
	@Override
	public synchronized void stop() {
		if (this.sampler != null) {
			this.sampler.shutdownNow();
			this.sampler = null;
		}
		if (this.live != null) {
			this.live.stop();
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.sampler != null;
	}

}
