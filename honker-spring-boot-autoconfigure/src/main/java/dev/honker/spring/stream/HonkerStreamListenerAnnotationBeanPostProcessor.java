package dev.honker.spring.stream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.config.ConfigurableBeanFactory;

import dev.honker.spring.core.StreamEvent;
import dev.honker.spring.listener.AbstractListenerAnnotationBeanPostProcessor;
import dev.honker.spring.listener.HandlerMethod;
import dev.honker.spring.listener.ListenerConfigurationException;
import dev.honker.spring.listener.ListenerContainer;
import dev.honker.spring.listener.PayloadBinding;

/**
 * Finds {@code @HonkerStreamListener} methods and registers a
 * {@link StreamListenerContainer} for each, created by the
 * {@link StreamListenerContainerFactory} bean. Two methods that consume the same topic
 * under the same consumer name are refused: they would take turns on one offset.
 */
public class HonkerStreamListenerAnnotationBeanPostProcessor
		extends AbstractListenerAnnotationBeanPostProcessor<HonkerStreamListener> {

	/** Creates the post-processor. */
	public HonkerStreamListenerAnnotationBeanPostProcessor() {
		super(HonkerStreamListener.class, StreamEvent.class);
	}

	@Override
	protected List<ListenerContainer> createContainers(List<AnnotatedMethod<HonkerStreamListener>> methods,
			ConfigurableBeanFactory beanFactory) {
		StreamListenerContainerFactory factory = beanFactory.getBean(StreamListenerContainerFactory.class);
		Map<List<String>, String> consumers = new HashMap<>();
		List<ListenerContainer> containers = new ArrayList<>();
		for (AnnotatedMethod<HonkerStreamListener> method : methods) {
			HandlerMethod handler = method.handler();
			StreamConsumerSettings settings = factory.settings(method.annotation(), beanFactory::resolveEmbeddedValue,
					method.defaultId(), handler.description());
			String other = consumers.putIfAbsent(List.of(settings.consumer(), settings.topic()), handler.description());
			if (other != null) {
				throw new ListenerConfigurationException(
						"@HonkerStreamListener methods " + other + " and " + handler.description()
								+ " both consume topic '" + settings.topic() + "' as consumer '" + settings.consumer()
								+ "'",
						"Give each method its own consumer name: one consumer name reads each event once.");
			}
			PayloadBinding payload = factory.payloadBinding(handler);
			containers.add(factory.createContainer(settings, handler.description(), event -> handler
				.invoke(payload.convert(event.payload(), "stream event " + event.offset()), event)));
		}
		return containers;
	}

}
