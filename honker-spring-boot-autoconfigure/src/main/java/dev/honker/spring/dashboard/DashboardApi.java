package dev.honker.spring.dashboard;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

import dev.honker.spring.core.HonkerDeadLetters;
import dev.honker.spring.core.HonkerStats;
import dev.honker.spring.dashboard.DashboardData.JobListState;
import dev.honker.spring.dashboard.Views.Message;
import dev.honker.spring.listener.HonkerListenerEndpointRegistry;
import dev.honker.spring.listener.ListenerContainer;
import dev.honker.spring.scheduler.HonkerSchedules;

/**
 * The dashboard's JSON API: reads through {@link DashboardData}, writes through
 * {@link HonkerDeadLetters}, the listener registry and {@link HonkerSchedules}. Writes
 * are POSTs. Errors answer with a {@link Message}: 404 for an unknown queue, job or
 * listener, 409 for a job that is not dead, 400 for bad input.
 */
final class DashboardApi {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final DashboardData data;

	private final HonkerDeadLetters deadLetters;

	private final HonkerListenerEndpointRegistry listeners;

	private final HonkerSchedules schedules;

	DashboardApi(DashboardData data, HonkerDeadLetters deadLetters, HonkerListenerEndpointRegistry listeners,
			HonkerSchedules schedules) {
		this.data = data;
		this.deadLetters = deadLetters;
		this.listeners = listeners;
		this.schedules = schedules;
	}

	String overviewJson() {
		return JSON.writeValueAsString(this.data.overview());
	}

	ServerResponse overview(ServerRequest request) {
		return json(HttpStatus.OK, overviewJson());
	}

	ServerResponse queue(ServerRequest request) {
		String queue = queueName(request);
		if (!this.data.isKnownQueue(queue)) {
			return message(HttpStatus.NOT_FOUND, unknownQueue(queue));
		}
		JobListState state = JobListState.parse(request.param("state").orElse("pending"));
		int limit = parseLimit(request.param("limit").orElse(Integer.toString(DashboardData.DEFAULT_PAGE_SIZE)));
		String after = request.param("after").filter(value -> !value.isEmpty()).orElse(null);
		return json(HttpStatus.OK, JSON.writeValueAsString(this.data.queuePage(queue, state, after, limit)));
	}

	ServerResponse job(ServerRequest request) {
		long id = jobId(request);
		return this.data.job(id)
			.map(job -> json(HttpStatus.OK, JSON.writeValueAsString(job)))
			.orElseGet(() -> message(HttpStatus.NOT_FOUND, gone(id)));
	}

	ServerResponse requeue(ServerRequest request) {
		long id = jobId(request);
		return jobResult(id, "Job " + id + " was requeued.", this.deadLetters.requeue(id));
	}

	ServerResponse delete(ServerRequest request) {
		long id = jobId(request);
		return jobResult(id, "Job " + id + " was deleted.", this.deadLetters.delete(id));
	}

	ServerResponse requeueDead(ServerRequest request) {
		String queue = queueName(request);
		if (!this.data.isKnownQueue(queue)) {
			return message(HttpStatus.NOT_FOUND, unknownQueue(queue));
		}
		int count = this.deadLetters.requeueAll(queue);
		return message(HttpStatus.OK,
				count + " dead job" + ((count == 1) ? "" : "s") + " of '" + queue + "' requeued.");
	}

	ServerResponse deleteDead(ServerRequest request) {
		String queue = queueName(request);
		if (!this.data.isKnownQueue(queue)) {
			return message(HttpStatus.NOT_FOUND, unknownQueue(queue));
		}
		int count = this.deadLetters.deleteAll(queue);
		return message(HttpStatus.OK, count + " dead job" + ((count == 1) ? "" : "s") + " of '" + queue + "' deleted.");
	}

	ServerResponse pause(ServerRequest request) {
		return pauseOrResume(request.pathVariable("id"), true);
	}

	ServerResponse resume(ServerRequest request) {
		return pauseOrResume(request.pathVariable("id"), false);
	}

	private ServerResponse pauseOrResume(String id, boolean pause) {
		ListenerContainer container = (this.listeners != null) ? this.listeners.getListenerContainer(id) : null;
		if (container == null) {
			Set<String> ids = (this.listeners != null) ? new TreeSet<>(this.listeners.getListenerContainerIds())
					: Set.of();
			return message(HttpStatus.NOT_FOUND, "No listener '" + id + "' in this application; its listeners: " + ids);
		}
		if (pause) {
			container.pause();
		}
		else {
			container.resume();
		}
		return message(HttpStatus.OK, "Listener '" + id + "' " + (pause ? "paused." : "resumed."));
	}

	ServerResponse pauseSchedule(ServerRequest request) {
		return pauseOrResumeSchedule(request, true);
	}

	ServerResponse resumeSchedule(ServerRequest request) {
		return pauseOrResumeSchedule(request, false);
	}

	private ServerResponse pauseOrResumeSchedule(ServerRequest request, boolean pause) {
		String name = request.param("name")
			.filter(value -> !value.isEmpty())
			.orElseThrow(() -> new IllegalArgumentException("the query parameter 'name' must give the schedule"));
		List<String> names = this.data.scheduleNames();
		if (this.schedules == null || !names.contains(name)) {
			return message(HttpStatus.NOT_FOUND, "There is no schedule '" + name + "'; the schedules: " + names);
		}
		if (pause) {
			this.schedules.pause(name);
		}
		else {
			this.schedules.resume(name);
		}
		return message(HttpStatus.OK, "Schedule '" + name + "' " + (pause ? "paused." : "resumed."));
	}

	ServerResponse badRequest(Throwable error) {
		return message(HttpStatus.BAD_REQUEST, error.getMessage());
	}

	static String unknownQueue(String queue) {
		return "There is no queue '" + queue + "': it has no live or dead jobs, no listener and no schedule.";
	}

	static String gone(long id) {
		return "Job " + id + " is gone: it was acknowledged, cancelled or deleted, or it never existed.";
	}

	private static ServerResponse jobResult(long id, String done, HonkerDeadLetters.Result result) {
		return switch (result) {
			case DONE -> message(HttpStatus.OK, done);
			case NOT_DEAD -> message(HttpStatus.CONFLICT,
					"Job " + id + " is not dead: it is pending or being processed (already requeued?).");
			case NOT_FOUND -> message(HttpStatus.NOT_FOUND, "There is no dead job " + id + ".");
		};
	}

	/**
	 * The queue of a request: the {@code name} query parameter, since a queue name can
	 * contain a slash, which servlet containers refuse encoded in a path.
	 */
	static String queueName(ServerRequest request) {
		return request.param("name")
			.filter(name -> !name.isEmpty())
			.orElseThrow(() -> new IllegalArgumentException("the query parameter 'name' must give the queue, got "
					+ request.param("name").map(name -> "''").orElse("none")));
	}

	static long jobId(ServerRequest request) {
		String id = request.pathVariable("id");
		try {
			return Long.parseLong(id);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("job id must be a number, got '" + id + "'");
		}
	}

	private static int parseLimit(String text) {
		try {
			int limit = Integer.parseInt(text);
			if (limit >= 1 && limit <= HonkerStats.MAX_PAGE_SIZE) {
				return limit;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new IllegalArgumentException(
				"limit must be a number from 1 to " + HonkerStats.MAX_PAGE_SIZE + ", got '" + text + "'");
	}

	static ServerResponse message(HttpStatus status, String message) {
		return json(status, JSON.writeValueAsString(new Message(status.value(), message)));
	}

	private static ServerResponse json(HttpStatus status, String json) {
		return ServerResponse.status(status)
			.contentType(MediaType.APPLICATION_JSON)
			.cacheControl(CacheControl.noStore())
			.body(json);
	}

}
