package dev.honker.spring.task;

import java.util.Collection;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonProperty;

import tools.jackson.databind.JsonNode;

/**
 * Honker's task envelope, the payload of every task call in every binding:
 * {@code {"__honker_task__": {"task": name, "args": [...], "kwargs": {...}}}}, and the
 * messages a worker fails a job with when the envelope is missing or names an unknown
 * task (the Python binding's texts).
 */
final class TaskEnvelope {

	static final String KEY = "__honker_task__";

	static final String RAW_PAYLOAD = "raw (non-decorated) payload on a decorated-task queue";

	private TaskEnvelope() {
	}

	/**
	 * The envelope of a call, for Jackson to write.
	 * @param args a list or an array of the positional arguments
	 */
	static Envelope of(String task, Object args, Map<String, ?> kwargs) {
		return new Envelope(new Body(task, args, kwargs));
	}

	/**
	 * The body of the envelope in a job's payload.
	 * @throws TaskRejectedException with Honker's message if the payload has none
	 */
	static JsonNode body(@Nullable JsonNode payload) {
		JsonNode body = (payload != null && payload.isObject()) ? payload.get(KEY) : null;
		if (body == null || !body.isObject() || !body.path("task").isString()) {
			throw new TaskRejectedException(RAW_PAYLOAD);
		}
		return body;
	}

	/** The envelope as Jackson writes it: {@code {"__honker_task__": body}}. */
	record Envelope(@JsonProperty(KEY) Body body) {
	}

	/** The envelope's body, written in Honker's key order. */
	record Body(String task, Object args, Map<String, ?> kwargs) {
	}

	/** The message of a call of a task this worker does not have. */
	static String unknownTask(String task, Collection<String> registered) {
		return "unknown task: '" + task + "'. Registered tasks: "
				+ new TreeSet<>(registered).stream()
					.map(name -> "'" + name + "'")
					.collect(Collectors.joining(", ", "[", "]"));
	}

}
