package dev.honker.spring.task;

import java.util.Map;

import org.springframework.core.log.LogAccessor;

import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.listener.HonkerJob;
import dev.honker.spring.listener.JobHandler;
import tools.jackson.databind.JsonNode;

/**
 * The handler of a task queue: decodes the task envelope of each job, calls the task
 * method it names, and stores the return value as the job's result, as Python's
 * {@code run_task} does. The container acknowledges the job afterwards.
 */
final class TaskDispatcher implements JobHandler<JsonNode> {

	private static final LogAccessor LOG = new LogAccessor(TaskDispatcher.class);

	private final Map<String, TaskMethod> tasks;

	private final HonkerTemplate template;

	/**
	 * @param tasks the task methods of the queue, by task name
	 * @param template stores results
	 */
	TaskDispatcher(Map<String, TaskMethod> tasks, HonkerTemplate template) {
		this.tasks = Map.copyOf(tasks);
		this.template = template;
	}

	@Override
	public void handle(JsonNode payload, HonkerJob job) throws Exception {
		JsonNode body = TaskEnvelope.body(payload);
		String name = body.get("task").asString();
		TaskMethod task = this.tasks.get(name);
		if (task == null) {
			throw new TaskRejectedException(TaskEnvelope.unknownTask(name, this.tasks.keySet()));
		}
		Object result;
		try {
			result = task.invoke(body.get("args"), body.get("kwargs"), job);
		}
		catch (TaskRejectedException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new TaskMethodException(task.options().retryDelay(), ex);
		}
		if (task.options().storeResult()) {
			try {
				this.template.saveResult(job.id(), result, task.options().resultTtl());
			}
			catch (RuntimeException ex) {
				LOG.warn(ex, "Honker task '" + name + "' (job " + job.id()
						+ ") succeeded but its result could not be stored; the job is acknowledged, not run again");
			}
		}
	}

}
