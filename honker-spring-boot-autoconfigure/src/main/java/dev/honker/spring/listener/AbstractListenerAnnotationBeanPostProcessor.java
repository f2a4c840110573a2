package dev.honker.spring.listener;

import java.lang.annotation.Annotation;
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
 * Finds the methods of one listener annotation on every bean, checks their signatures as
 * each bean is created, and once all singletons exist, lets the subclass create a
 * container per method and registers it in the {@link HonkerListenerEndpointRegistry}
 * bean. Each kind of listener annotation has a subclass.
 *
 * @param <A> the annotation
 */
public abstract class AbstractListenerAnnotationBeanPostProcessor<A extends Annotation>
		implements BeanPostProcessor, SmartInitializingSingleton, BeanFactoryAware {

	private final Class<A> annotationType;

	private final Class<?> metadataType;

	private final Set<Class<?>> classesWithoutListeners = ConcurrentHashMap.newKeySet();

	private final List<AnnotatedMethod<A>> methods = new ArrayList<>();

	private ConfigurableBeanFactory beanFactory;

	/**
	 * Creates the post-processor.
	 * @param annotationType the listener annotation
	 * @param metadataType the type of the listener methods' optional metadata parameter
	 */
	protected AbstractListenerAnnotationBeanPostProcessor(Class<A> annotationType, Class<?> metadataType) {
		this.annotationType = annotationType;
		this.metadataType = metadataType;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ConfigurableBeanFactory) beanFactory;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		if (this.classesWithoutListeners.contains(targetClass)
				|| !AnnotationUtils.isCandidateClass(targetClass, this.annotationType)) {
			return bean;
		}
		Map<Method, A> annotated = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<A>) method -> AnnotatedElementUtils.findMergedAnnotation(method,
						this.annotationType));
		if (annotated.isEmpty()) {
			this.classesWithoutListeners.add(targetClass);
			return bean;
		}
		annotated.forEach((method, annotation) -> {
			Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
			HandlerMethod handler = HandlerMethod.of(bean, method, invocable, targetClass, this.metadataType,
					"@" + this.annotationType.getSimpleName());
			synchronized (this.methods) {
				this.methods.add(new AnnotatedMethod<>(beanName, annotation, handler));
			}
		});
		return bean;
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<AnnotatedMethod<A>> pending;
		synchronized (this.methods) {
			pending = List.copyOf(this.methods);
			this.methods.clear();
		}
		if (pending.isEmpty()) {
			return;
		}
		HonkerListenerEndpointRegistry registry = this.beanFactory.getBean(HonkerListenerEndpointRegistry.class);
		for (ListenerContainer container : createContainers(pending, this.beanFactory)) {
			registry.registerListenerContainer(container);
		}
	}

	/**
	 * Creates the containers of the annotated methods found, once all singletons exist.
	 * @param methods the annotated methods, in the order they were found
	 * @param beanFactory the bean factory, for the container factory bean and to resolve
	 * placeholders with {@code resolveEmbeddedValue}
	 * @return the containers, one per method
	 */
	protected abstract List<ListenerContainer> createContainers(List<AnnotatedMethod<A>> methods,
			ConfigurableBeanFactory beanFactory);

	/**
	 * An annotated method found on a bean.
	 *
	 * @param beanName the bean's name
	 * @param annotation the method's annotation
	 * @param handler the method, ready to invoke
	 * @param <A> the annotation
	 */
	public record AnnotatedMethod<A extends Annotation>(String beanName, A annotation, HandlerMethod handler) {

		/**
		 * The default listener id: {@code <bean name>.<method name>}.
		 * @return the id
		 */
		public String defaultId() {
			return this.beanName + "." + this.handler.name();
		}

	}

}
