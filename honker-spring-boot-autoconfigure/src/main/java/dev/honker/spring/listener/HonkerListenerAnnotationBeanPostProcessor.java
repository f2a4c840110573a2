package dev.honker.spring.listener;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;

/**
 * Finds {@code @HonkerListener} methods on every bean, checks their signatures as each
 * bean is created, and once all singletons exist, creates a container per method with the
 * {@link HonkerListenerContainerFactory} bean and registers it in the
 * {@link HonkerListenerEndpointRegistry} bean.
 */
public class HonkerListenerAnnotationBeanPostProcessor
		implements BeanPostProcessor, SmartInitializingSingleton, BeanFactoryAware {

	private final Set<Class<?>> classesWithoutListeners = ConcurrentHashMap.newKeySet();

	private final List<Endpoint> endpoints = new ArrayList<>();

	private ConfigurableBeanFactory beanFactory;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ConfigurableBeanFactory) beanFactory;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		if (this.classesWithoutListeners.contains(targetClass)
				|| !AnnotationUtils.isCandidateClass(targetClass, HonkerListener.class)) {
			return bean;
		}
		Map<Method, HonkerListener> annotated = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<HonkerListener>) method -> AnnotatedElementUtils
					.findMergedAnnotation(method, HonkerListener.class));
		if (annotated.isEmpty()) {
			this.classesWithoutListeners.add(targetClass);
			return bean;
		}
		annotated.forEach((method, annotation) -> {
			Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
			HandlerMethod handler = HandlerMethod.of(bean, method, invocable, targetClass);
			synchronized (this.endpoints) {
				this.endpoints.add(new Endpoint(beanName, annotation, handler));
			}
		});
		return bean;
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<Endpoint> pending;
		synchronized (this.endpoints) {
			pending = List.copyOf(this.endpoints);
			this.endpoints.clear();
		}
		if (pending.isEmpty()) {
			return;
		}
		HonkerListenerContainerFactory factory = this.beanFactory.getBean(HonkerListenerContainerFactory.class);
		HonkerListenerEndpointRegistry registry = this.beanFactory.getBean(HonkerListenerEndpointRegistry.class);
		for (Endpoint endpoint : pending) {
			registry.registerListenerContainer(factory.createContainer(endpoint.annotation(),
					this.beanFactory::resolveEmbeddedValue, endpoint.beanName(), endpoint.handler()));
		}
	}

	private record Endpoint(String beanName, HonkerListener annotation, HandlerMethod handler) {
	}

}
