package dev.honker.spring.listener;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Holds every listener container by listener id, whatever kind of listener it runs
 * ({@code @HonkerListener} methods, endpoints registered in code, and other kinds of
 * {@link ListenerContainer}), starts the ones marked for auto-startup with the
 * application context and stops them all with it. Use it to pause and resume a listener
 * at runtime.
 */
public class HonkerListenerEndpointRegistry implements SmartLifecycle, DisposableBean {

	private static final Log logger = LogFactory.getLog(HonkerListenerEndpointRegistry.class);

	private final Map<String, ListenerContainer> containers = Collections.synchronizedMap(new LinkedHashMap<>());

	private volatile boolean running;

	/**
	 * Adds a container; it starts at once if the registry is already running and the
	 * container auto-starts.
	 * @param container the container
	 * @throws ListenerConfigurationException if another container has the same id
	 */
	public void registerListenerContainer(ListenerContainer container) {
		synchronized (this.containers) {
			ListenerContainer existing = this.containers.putIfAbsent(container.getId(), container);
			if (existing != null) {
				throw new ListenerConfigurationException(
						"duplicate listener id '" + container.getId() + "' on " + existing.getListenerDescription()
								+ " and " + container.getListenerDescription(),
						"Give each listener its own id: the id attribute of @HonkerListener, or JobListenerEndpoint.id(...)"
								+ " for a listener registered in code.");
			}
		}
		if (this.running && container.isAutoStartup()) {
			container.start();
		}
	}

	/**
	 * The container of a listener id.
	 * @param id the listener id
	 * @return the container, or {@code null} if there is none
	 */
	public @Nullable ListenerContainer getListenerContainer(String id) {
		return this.containers.get(id);
	}

	/**
	 * The container of a listener id, as its kind.
	 * @param id the listener id
	 * @param type the kind of container, for example {@link HonkerListenerContainer}
	 * @param <T> the kind of container
	 * @return the container, or {@code null} if there is none
	 * @throws IllegalArgumentException if the container is of another kind
	 */
	public <T extends ListenerContainer> @Nullable T getListenerContainer(String id, Class<T> type) {
		ListenerContainer container = this.containers.get(id);
		if (container != null && !type.isInstance(container)) {
			throw new IllegalArgumentException(
					"listener '" + id + "' runs in a " + container.getClass().getName() + ", not a " + type.getName());
		}
		return type.cast(container);
	}

	/** Every registered container, in registration order. */
	public Collection<ListenerContainer> getListenerContainers() {
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
		List<ListenerContainer> started = new ArrayList<>();
		List<ListenerContainer> all = new ArrayList<>(getListenerContainers());
		all.sort(Comparator.comparingInt(ListenerContainer::getPhase));
		for (ListenerContainer container : all) {
			if (container.isAutoStartup()) {
				container.start();
				started.add(container);
			}
		}
		this.running = true;
		if (!started.isEmpty()) {
			if (logger.isInfoEnabled()) {
				logger.info("Started " + started.size() + " Honker listener(s): "
						+ started.stream().map(Object::toString).collect(Collectors.joining(", ")));
			}
		}
	}

	@Override
	public void stop(Runnable callback) {
		this.running = false;
		Collection<ListenerContainer> all = getListenerContainers();
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
		getListenerContainers().forEach(ListenerContainer::stop);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return AbstractListenerContainer.DEFAULT_PHASE;
	}

	/**
	 * Stops every container still running, for a context closed without a lifecycle stop.
	 */
	@Override
	public void destroy() {
		stop();
	}

	private ListenerContainer container(String id) {
		ListenerContainer container = this.containers.get(id);
		if (container == null) {
			throw new IllegalArgumentException(
					"no listener with id '" + id + "'; known ids: " + getListenerContainerIds());
		}
		return container;
	}

}
