package dev.honker.spring.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;
import org.springframework.util.Assert;

import dev.honker.spring.core.DeadJobPage;
import dev.honker.spring.core.HonkerDeadLetters;
import dev.honker.spring.core.HonkerStats;
import dev.honker.spring.core.QueueStats;
import dev.honker.spring.core.ScheduleStats;
import dev.honker.spring.core.StreamConsumerStats;
import dev.honker.spring.listener.HonkerListenerContainer;
import dev.honker.spring.listener.HonkerListenerEndpointRegistry;
import dev.honker.spring.listener.ListenerContainer;
import dev.honker.spring.scheduler.HonkerSchedules;

/**
 * The {@code honker} Actuator endpoint ({@code /actuator/honker}).
 *
 * <p>
 * Reads, fresh from the database on each request:
 * <ul>
 * <li>{@code GET /actuator/honker}: every queue's statistics, the listeners of this
 * application, the schedules and the stream consumers;</li>
 * <li>{@code GET /actuator/honker/queues/{queue}}: one queue's statistics;</li>
 * <li>{@code GET /actuator/honker/queues/{queue}/dead?before=&limit=}: one page of the
 * queue's dead jobs, newest first ({@code limit} 1 to 1000, default 50; pass the
 * response's {@code nextBefore} as {@code before} for the next page).</li>
 * </ul>
 * Writes, available only when the endpoint's access is unrestricted
 * ({@code management.endpoint.honker.access=unrestricted}; the default is read-only):
 * <ul>
 * <li>{@code POST /actuator/honker/dead-jobs/{id}} with {@code {"action":"requeue"}}:
 * requeue one dead job;</li>
 * <li>{@code POST /actuator/honker/queues/{queue}} with
 * {@code {"action":"requeue-dead"}}: requeue every dead job of the queue;</li>
 * <li>{@code DELETE /actuator/honker/dead-jobs/{id}}: delete a dead job;</li>
 * <li>{@code POST /actuator/honker/listeners/{id}} with {@code {"action":"pause"}} or
 * {@code {"action":"resume"}}: pause or resume a listener of this application;</li>
 * <li>{@code POST /actuator/honker/schedules/{name}} with {@code {"action":"pause"}} or
 * {@code {"action":"resume"}}: pause or resume a schedule (for every process on the
 * database file, since the schedule is a row of the file).</li>
 * </ul>
 * Errors answer with a {@code message}: 404 for an unknown queue, job, listener or
 * schedule (a queue is known when it has live or dead jobs, a listener or a schedule),
 * 409 when the job is not dead, 400 for a job id that is not a number or an unknown
 * action.
 */
@WebEndpoint(id = "honker", defaultAccess = Access.READ_ONLY)
public class HonkerEndpoint {

	/** The page size of dead jobs when the request gives none. */
	public static final int DEFAULT_PAGE_SIZE = 50;

	private static final int CONFLICT = 409;

	private final HonkerStats stats;

	private final HonkerDeadLetters deadLetters;

	private final @Nullable HonkerListenerEndpointRegistry listeners;

	private final @Nullable HonkerSchedules schedules;

	/**
	 * Creates the endpoint.
	 * @param stats the statistics
	 * @param deadLetters the dead-job operations
	 * @param listeners the listener registry, or {@code null} when this application has
	 * no listeners
	 * @param schedules the schedules API, or {@code null} when the scheduler is not
	 * configured (pausing a schedule then answers 404)
	 */
	public HonkerEndpoint(HonkerStats stats, HonkerDeadLetters deadLetters,
			@Nullable HonkerListenerEndpointRegistry listeners, @Nullable HonkerSchedules schedules) {
		Assert.notNull(stats, "stats must not be null");
		Assert.notNull(deadLetters, "deadLetters must not be null");
		this.stats = stats;
		this.deadLetters = deadLetters;
		this.listeners = listeners;
		this.schedules = schedules;
	}

	/** Everything: queues, listeners, schedules and stream consumers. */
	@ReadOperation
	public HonkerReport report() {
		return new HonkerReport(this.stats.queues(), listeners(), this.stats.schedules(), this.stats.streamConsumers());
	}

	/**
	 * One queue's statistics ({@code GET /actuator/honker/queues/{queue}}).
	 * @param section {@code queues}
	 * @param queue the queue name
	 * @return the statistics, or 404 for an unknown queue
	 */
	@ReadOperation
	public WebEndpointResponse<Object> queue(@Selector String section, @Selector String queue) {
		if (!"queues".equals(section)) {
			return notFound("no such section '" + section + "'; try /actuator/honker/queues/{queue}");
		}
		if (!isKnownQueue(queue)) {
			return unknownQueue(queue);
		}
		return new WebEndpointResponse<>(this.stats.queue(queue));
	}

	/**
	 * One page of a queue's dead jobs ({@code GET /actuator/honker/queues/{queue}/dead}).
	 * @param section {@code queues}
	 * @param queue the queue name
	 * @param dead {@code dead}
	 * @param before only jobs with a smaller id; none for the first page
	 * @param limit the page size, 1 to 1000, default {@value #DEFAULT_PAGE_SIZE}
	 * @return the page, 404 for an unknown queue, 400 for a bad limit
	 */
	@ReadOperation
	public WebEndpointResponse<Object> deadJobs(@Selector String section, @Selector String queue, @Selector String dead,
			@Nullable Long before, @Nullable Integer limit) {
		if (!"queues".equals(section) || !"dead".equals(dead)) {
			return notFound("no such section '" + section + "/" + queue + "/" + dead
					+ "'; try /actuator/honker/queues/{queue}/dead");
		}
		if (!isKnownQueue(queue)) {
			return unknownQueue(queue);
		}
		int size = (limit != null) ? limit : DEFAULT_PAGE_SIZE;
		if (size < 1 || size > HonkerStats.MAX_PAGE_SIZE) {
			return message(WebEndpointResponse.STATUS_BAD_REQUEST,
					"limit must be between 1 and " + HonkerStats.MAX_PAGE_SIZE + ", got " + size);
		}
		DeadJobPage page = this.stats.deadJobs(queue, before, size);
		return new WebEndpointResponse<>(page);
	}

	/**
	 * Requeues dead jobs, or pauses or resumes a listener or a schedule.
	 * @param section {@code dead-jobs}, {@code queues}, {@code listeners} or
	 * {@code schedules}
	 * @param name the job id, queue name, listener id or schedule name
	 * @param action {@code requeue} (a dead job), {@code requeue-dead} (a queue),
	 * {@code pause} or {@code resume} (a listener or a schedule)
	 * @return what was done, or the error
	 */
	@WriteOperation
	public WebEndpointResponse<Object> write(@Selector String section, @Selector String name, String action) {
		return switch (section + " " + action) {
			case "dead-jobs requeue" -> requeue(name);
			case "queues requeue-dead" -> requeueDead(name);
			case "listeners pause", "listeners resume" -> pauseOrResume(name, action);
			case "schedules pause", "schedules resume" -> pauseOrResumeSchedule(name, action);
			default -> message(WebEndpointResponse.STATUS_BAD_REQUEST,
					"unknown action '" + action + "' on '" + section + "'; use dead-jobs/{id} requeue,"
							+ " queues/{queue} requeue-dead, listeners/{id} pause or resume,"
							+ " schedules/{name} pause or resume");
		};
	}

	/**
	 * Deletes a dead job ({@code DELETE /actuator/honker/dead-jobs/{id}}).
	 * @param section {@code dead-jobs}
	 * @param id the job id
	 * @return what was done, or the error
	 */
	@DeleteOperation
	public WebEndpointResponse<Object> delete(@Selector String section, @Selector String id) {
		if (!"dead-jobs".equals(section)) {
			return notFound("only dead jobs can be deleted: DELETE /actuator/honker/dead-jobs/{id}");
		}
		Long jobId = parseId(id);
		if (jobId == null) {
			return badId(id);
		}
		return jobResult(jobId, "deleted", this.deadLetters.delete(jobId));
	}

	private WebEndpointResponse<Object> requeue(String id) {
		Long jobId = parseId(id);
		if (jobId == null) {
			return badId(id);
		}
		return jobResult(jobId, "requeued", this.deadLetters.requeue(jobId));
	}

	private WebEndpointResponse<Object> requeueDead(String queue) {
		if (!isKnownQueue(queue)) {
			return unknownQueue(queue);
		}
		int count = this.deadLetters.requeueAll(queue);
		return new WebEndpointResponse<>(Map.of("queue", queue, "requeued", count));
	}

	private WebEndpointResponse<Object> pauseOrResume(String id, String action) {
		ListenerContainer container = (this.listeners != null) ? this.listeners.getListenerContainer(id) : null;
		if (container == null) {
			return notFound("no listener '" + id + "' in this application; listeners: "
					+ ((this.listeners != null) ? new TreeSet<>(this.listeners.getListenerContainerIds()) : Set.of()));
		}
		if ("pause".equals(action)) {
			container.pause();
		}
		else {
			container.resume();
		}
		return new WebEndpointResponse<>(Map.of("listener", id, "paused", container.isPaused()));
	}

	private WebEndpointResponse<Object> pauseOrResumeSchedule(String name, String action) {
		List<String> names = this.stats.schedules().stream().map(ScheduleStats::name).toList();
		if (this.schedules == null || !names.contains(name)) {
			return notFound("no schedule '" + name + "'; schedules: " + names);
		}
		boolean pause = "pause".equals(action);
		if (pause) {
			this.schedules.pause(name);
		}
		else {
			this.schedules.resume(name);
		}
		return new WebEndpointResponse<>(Map.of("schedule", name, "paused", pause));
	}

	private static WebEndpointResponse<Object> jobResult(long jobId, String done, HonkerDeadLetters.Result result) {
		return switch (result) {
			case DONE -> new WebEndpointResponse<>(Map.of("jobId", jobId, "result", done));
			case NOT_DEAD -> message(CONFLICT, "job " + jobId + " is not dead: it is pending or being processed");
			case NOT_FOUND -> notFound("no dead job " + jobId);
		};
	}

	private List<ListenerState> listeners() {
		List<ListenerState> states = new ArrayList<>();
		if (this.listeners != null) {
			for (ListenerContainer container : this.listeners.getListenerContainers()) {
				String queue = (container instanceof HonkerListenerContainer jobs) ? jobs.getQueue() : null;
				states.add(new ListenerState(container.getId(), queue, container.getListenerDescription(),
						container.isRunning(), container.isPaused(),
						container.getFailure().map(Throwable::getMessage).orElse(null)));
			}
		}
		return states;
	}

	private boolean isKnownQueue(String queue) {
		if (this.listeners != null && this.listeners.getListenerContainers()
			.stream()
			.anyMatch(c -> c instanceof HonkerListenerContainer jobs && jobs.getQueue().equals(queue))) {
			return true;
		}
		if (this.stats.schedules().stream().anyMatch(schedule -> schedule.queue().equals(queue))) {
			return true;
		}
		QueueStats stats = this.stats.queue(queue);
		return stats.pending() + stats.processing() + stats.dead() > 0;
	}

	private static @Nullable Long parseId(String id) {
		try {
			return Long.valueOf(id);
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static WebEndpointResponse<Object> badId(String id) {
		return message(WebEndpointResponse.STATUS_BAD_REQUEST, "job id must be a number, got '" + id + "'");
	}

	private static WebEndpointResponse<Object> unknownQueue(String queue) {
		return notFound("unknown queue '" + queue + "': it has no live or dead jobs, no listener and no schedule");
	}

	private static WebEndpointResponse<Object> notFound(String message) {
		return message(WebEndpointResponse.STATUS_NOT_FOUND, message);
	}

	private static WebEndpointResponse<Object> message(int status, String message) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("status", status);
		body.put("message", message);
		return new WebEndpointResponse<>(body, status);
	}

	/**
	 * The endpoint's main read.
	 *
	 * @param queues every queue with live or dead jobs
	 * @param listeners the listeners of this application
	 * @param schedules every schedule
	 * @param streamConsumers every stream consumer
	 */
	public record HonkerReport(List<QueueStats> queues, List<ListenerState> listeners, List<ScheduleStats> schedules,
			List<StreamConsumerStats> streamConsumers) {
	}

	/**
	 * A listener of this application.
	 *
	 * @param id the listener id
	 * @param queue its queue, or {@code null} for a listener of another kind
	 * @param description what it listens to, and its method
	 * @param running whether its container runs
	 * @param paused whether it is paused
	 * @param failure why it stopped claiming on its own, or {@code null}
	 */
	public record ListenerState(String id, @Nullable String queue, String description, boolean running, boolean paused,
			@Nullable String failure) {
	}

}
