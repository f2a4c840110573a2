package dev.honker.spring.listener;

import java.util.List;

import org.springframework.beans.factory.config.ConfigurableBeanFactory;

/**
 * Finds {@code @HonkerListener} methods on every bean, checks their signatures as each
 * bean is created, and once all singletons exist, creates a container per method with the
 * {@link HonkerListenerContainerFactory} bean and registers it in the
 * {@link HonkerListenerEndpointRegistry} bean.
 */
public class HonkerListenerAnnotationBeanPostProcessor
		extends AbstractListenerAnnotationBeanPostProcessor<HonkerListener> {

	/** Creates the post-processor. */
	public HonkerListenerAnnotationBeanPostProcessor() {
		super(HonkerListener.class, HonkerJob.class);
	}

	@Override
	protected List<ListenerContainer> createContainers(List<AnnotatedMethod<HonkerListener>> methods,
			ConfigurableBeanFactory beanFactory) {
		HonkerListenerContainerFactory factory = beanFactory.getBean(HonkerListenerContainerFactory.class);
		return methods.stream()
			.<ListenerContainer>map(method -> factory.createContainer(method.annotation(),
					beanFactory::resolveEmbeddedValue, method.beanName(), method.handler()))
			.toList();
	}

}
