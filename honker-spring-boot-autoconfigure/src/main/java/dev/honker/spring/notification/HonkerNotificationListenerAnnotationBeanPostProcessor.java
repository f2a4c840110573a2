package dev.honker.spring.notification;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.config.ConfigurableBeanFactory;

import dev.honker.spring.core.Notification;
import dev.honker.spring.listener.AbstractListenerAnnotationBeanPostProcessor;
import dev.honker.spring.listener.HandlerMethod;
import dev.honker.spring.listener.ListenerAttributes;
import dev.honker.spring.listener.ListenerConfigurationException;
import dev.honker.spring.listener.ListenerContainer;
import dev.honker.spring.listener.PayloadBinding;

/**
 * Finds {@code @HonkerNotificationListener} methods and registers a
 * {@link NotificationListenerContainer} for each, created by the
 * {@link NotificationListenerContainerFactory} bean.
 */
public class HonkerNotificationListenerAnnotationBeanPostProcessor
		extends AbstractListenerAnnotationBeanPostProcessor<HonkerNotificationListener> {

	private static final Map<String, String> EXPECTED = Map.of("autoStartup", "true or false");

	/** Creates the post-processor. */
	public HonkerNotificationListenerAnnotationBeanPostProcessor() {
		super(HonkerNotificationListener.class, Notification.class);
	}

	@Override
	protected List<ListenerContainer> createContainers(List<AnnotatedMethod<HonkerNotificationListener>> methods,
			ConfigurableBeanFactory beanFactory) {
		NotificationListenerContainerFactory factory = beanFactory.getBean(NotificationListenerContainerFactory.class);
		List<ListenerContainer> containers = new ArrayList<>();
		for (AnnotatedMethod<HonkerNotificationListener> method : methods) {
			HandlerMethod handler = method.handler();
			ListenerAttributes attributes = new ListenerAttributes(beanFactory::resolveEmbeddedValue,
					"@HonkerNotificationListener", handler.description(), EXPECTED);
			HonkerNotificationListener annotation = method.annotation();
			String channel = attributes.text("channel", annotation.channel()).trim();
			if (channel.isEmpty()) {
				throw new ListenerConfigurationException(
						"@HonkerNotificationListener on " + handler.description() + ": channel must not be empty, got '"
								+ annotation.channel() + "'",
						"Name the channel to listen to, for example @HonkerNotificationListener(channel = \"orders\");"
								+ " if it is a placeholder, define the property it names.");
			}
			String id = attributes.parse("id", annotation.id(), value -> value, method.defaultId());
			boolean autoStartup = attributes.parse("autoStartup", annotation.autoStartup(), ListenerAttributes::bool,
					factory.isAutoStartup());
			PayloadBinding payload = factory.payloadBinding(handler);
			containers.add(factory.createContainer(id, handler.description(), channel,
					notification -> handler.invoke(
							payload.convert(notification.payload(), "notification " + notification.id()), notification),
					autoStartup));
		}
		return containers;
	}

}
