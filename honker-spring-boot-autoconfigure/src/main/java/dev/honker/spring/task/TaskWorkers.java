package dev.honker.spring.task;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.util.Assert;

import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.listener.HonkerListenerContainerFactory;
import dev.honker.spring.listener.HonkerListenerEndpointRegistry;
import dev.honker.spring.listener.JobListenerEndpoint;
import tools.jackson.databind.JsonNode;

/**
 * Starts one job listener per queue that has task methods: listener id
 * {@code honker-tasks:<queue>}, created with the application's
 * {@link HonkerListenerContainerFactory} (so the listener properties, interceptors and
 * customizers apply) and registered in the {@link HonkerListenerEndpointRegistry}.
 */
public class TaskWorkers {

	private final HonkerListenerContainerFactory factory;

	private final HonkerListenerEndpointRegistry registry;

	private final HonkerTemplate template;

	/**
	 * Creates the workers' starter.
	 * @param factory creates the containers
	 * @param registry runs them with the application context
	 * @param template stores the tasks' results
	 */
	public TaskWorkers(HonkerListenerContainerFactory factory, HonkerListenerEndpointRegistry registry,
			HonkerTemplate template) {
		Assert.notNull(factory, "factory must not be null");
		Assert.notNull(registry, "registry must not be null");
		Assert.notNull(template, "template must not be null");
		this.factory = factory;
		this.registry = registry;
		this.template = template;
	}

	/** Registers a listener per queue of {@code tasks}. */
	void start(Collection<TaskMethod> tasks) {
		Map<String, Map<String, TaskMethod>> byQueue = new LinkedHashMap<>();
		for (TaskMethod task : tasks) {
			byQueue.computeIfAbsent(task.options().queue(), queue -> new LinkedHashMap<>())
				.put(task.options().name(), task);
		}
		byQueue.forEach((queue,
				queueTasks) -> this.registry.registerListenerContainer(this.factory.createContainer(
						JobListenerEndpoint.of(queue, JsonNode.class, new TaskDispatcher(queueTasks, this.template))
							.id("honker-tasks:" + queue)
							.errorHandler(new TaskErrorHandler()))));
	}

}
