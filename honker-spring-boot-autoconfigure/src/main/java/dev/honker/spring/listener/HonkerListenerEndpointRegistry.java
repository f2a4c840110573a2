package dev.honker.spring.listener;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.log.LogAccessor;

/**
 * Holds the container of every {@code @HonkerListener} method by listener id, starts the
 * ones marked for auto-startup with the application context and stops them all with it.
 * Use it to pause and resume a listener at runtime.
 */
public class HonkerListenerEndpointRegistry implements SmartLifecycle, DisposableBean {

	private static final LogAccessor LOG = new LogAccessor(HonkerListenerEndpointRegistry.class);

	private final Map<String, HonkerListenerContainer> containers = Collections.synchronizedMap(new LinkedHashMap<>());

	private volatile boolean running;

	/**
	 * Adds a container; it starts at once if the registry is already running and the
	 * container auto-starts.
	 * @throws ListenerConfigurationException if another container has the same id
	 */
	public void registerListenerContainer(HonkerListenerContainer container) {
		synchronized (this.containers) {
			HonkerListenerContainer existing = this.containers.putIfAbsent(container.getId(), container);
			if (existing != null) {
				throw new ListenerConfigurationException(
						"duplicate @HonkerListener id '" + container.getId() + "' on " + existing.getListenerMethod()
								+ " and " + container.getListenerMethod() + "; give each listener its own id");
			}
		}
		if (this.running && container.isAutoStartup()) {
			container.start();
		}
	}

	/** The container of a listener id, or {@code null} if there is none. */
	public HonkerListenerContainer getListenerContainer(String id) {
		return this.containers.get(id);
	}

	/** Every registered container, in registration order. */
	public Collection<HonkerListenerContainer> getListenerContainers() {
		synchronized (this.containers) {
			return List.copyOf(this.containers.values());
		}
	}

	/** Every registered listener id. */
	public Set<String> getListenerContainerIds() {
		synchronized (this.containers) {
			return Set.copyOf(this.containers.keySet());
		}
	}

	/**
	 * Stops a listener from claiming new jobs; its running handlers finish and are
	 * acknowledged.
	 * @throws IllegalArgumentException if no listener has this id
	 */
	public void pause(String id) {
		container(id).pause();
	}

	/**
	 * Lets a paused listener claim again.
	 * @throws IllegalArgumentException if no listener has this id
	 */
	public void resume(String id) {
		container(id).resume();
	}

	@Override
	public void start() {
		List<HonkerListenerContainer> started = new ArrayList<>();
		for (HonkerListenerContainer container : getListenerContainers()) {
			if (container.isAutoStartup()) {
				container.start();
				started.add(container);
			}
		}
		this.running = true;
		if (!started.isEmpty()) {
			LOG.info(() -> "Started " + started.size() + " Honker listener(s): "
					+ started.stream()
						.map(c -> c.getId() + " on queue '" + c.getQueue() + "' x" + c.getConcurrency())
						.collect(Collectors.joining(", ")));
		}
	}

	@Override
	public void stop(Runnable callback) {
		this.running = false;
		Collection<HonkerListenerContainer> all = getListenerContainers();
		AtomicInteger remaining = new AtomicInteger(all.size() + 1);
		Runnable countDown = () -> {
			if (remaining.decrementAndGet() == 0) {
				callback.run();
			}
		};
		all.forEach(container -> container.stop(countDown));
		countDown.run();
	}

	@Override
	public void stop() {
		this.running = false;
		getListenerContainers().forEach(HonkerListenerContainer::stop);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return HonkerListenerContainer.DEFAULT_PHASE;
	}

	/**
	 * Stops every container still running, for a context closed without a lifecycle stop.
	 */
	@Override
	public void destroy() {
		stop();
	}

	private HonkerListenerContainer container(String id) {
		HonkerListenerContainer container = this.containers.get(id);
		if (container == null) {
			throw new IllegalArgumentException(
					"no @HonkerListener with id '" + id + "'; known ids: " + getListenerContainerIds());
		}
		return container;
	}

}
