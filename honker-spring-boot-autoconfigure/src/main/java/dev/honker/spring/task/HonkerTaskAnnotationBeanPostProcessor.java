package dev.honker.spring.task;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.util.ClassUtils;

import dev.honker.spring.scheduler.HonkerScheduled;
import dev.honker.spring.scheduler.ScheduleConfigurationException;
import dev.honker.spring.scheduler.ScheduleDeclarations;
import dev.honker.spring.scheduler.ScheduleDefinition;
import dev.honker.sqlite.ScheduleExpressions;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Finds {@link HonkerTask} and {@link HonkerScheduled} methods on every bean and, once
 * all singletons exist: checks that no task name is taken by two methods, adds a schedule
 * per {@link HonkerScheduled} method (whose payload is the method's task envelope) to the
 * {@link ScheduleDeclarations} bean, which registers them when the context starts, and
 * registers a task worker for each queue with task methods through {@link TaskWorkers}.
 */
public class HonkerTaskAnnotationBeanPostProcessor
		implements BeanPostProcessor, SmartInitializingSingleton, BeanFactoryAware {

	private final Set<Class<?>> classesWithoutTasks = ConcurrentHashMap.newKeySet();

	private final List<Found> found = new ArrayList<>();

	private ConfigurableBeanFactory beanFactory;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ConfigurableBeanFactory) beanFactory;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		if (this.classesWithoutTasks.contains(targetClass)
				|| (!AnnotationUtils.isCandidateClass(targetClass, HonkerTask.class)
						&& !AnnotationUtils.isCandidateClass(targetClass, HonkerScheduled.class))) {
			return bean;
		}
		Map<Method, MergedAnnotations> annotated = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<MergedAnnotations>) method -> {
					MergedAnnotations annotations = MergedAnnotations.from(method, SearchStrategy.TYPE_HIERARCHY);
					return (annotations.isPresent(HonkerTask.class) || annotations.isPresent(HonkerScheduled.class))
							? annotations : null;
				});
		if (annotated.isEmpty()) {
			this.classesWithoutTasks.add(targetClass);
			return bean;
		}
		annotated.forEach((method, annotations) -> {
			Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
			synchronized (this.found) {
				this.found.add(new Found(bean, method, invocable, targetClass, annotations));
			}
		});
		return bean;
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<Found> pending;
		synchronized (this.found) {
			pending = List.copyOf(this.found);
			this.found.clear();
		}
		ObjectMapper mapper = this.beanFactory.getBeanProvider(JsonMapper.class).getIfUnique(JsonMapper::shared);
		Map<String, TaskMethod> tasks = new LinkedHashMap<>();
		for (Found method : pending) {
			TaskMethod task = taskMethod(method, mapper);
			MergedAnnotation<HonkerScheduled> scheduled = method.annotations().get(HonkerScheduled.class);
			if (scheduled.isPresent()) {
				this.beanFactory.getBean(ScheduleDeclarations.class)
					.add(schedule(scheduled.synthesize(), task), "@HonkerScheduled on " + task.description());
			}
			TaskMethod existing = tasks.putIfAbsent(task.options().name(), task);
			if (existing != null) {
				throw new TaskConfigurationException("task name '" + task.options().name() + "' is declared twice, by "
						+ existing.description() + " and by " + task.description() + "; give each task its own name",
						null);
			}
		}
		if (!tasks.isEmpty()) {
			this.beanFactory.getBean(TaskWorkers.class).start(tasks.values());
		}
	}

	private TaskMethod taskMethod(Found method, ObjectMapper mapper) {
		String defaultName = ClassUtils.getQualifiedMethodName(method.method(), method.targetClass());
		MergedAnnotation<HonkerTask> task = method.annotations().get(HonkerTask.class);
		MergedAnnotation<HonkerScheduled> scheduled = method.annotations().get(HonkerScheduled.class);
		String where = TaskMethod.describe(method.method());
		TaskOptions options;
		if (task.isPresent()) {
			if (scheduled.isPresent()) {
				throw new ScheduleConfigurationException("@HonkerScheduled on " + where
						+ " is also a @HonkerTask; a scheduled method is a task of its own, remove one of the two",
						null);
			}
			options = TaskOptions.resolve(task.synthesize(), this::resolve, defaultName, where);
		}
		else {
			HonkerScheduled annotation = scheduled.synthesize();
			String name = resolve(annotation.name()).trim();
			String queue = resolve(annotation.queue()).trim();
			if (queue.isEmpty()) {
				throw scheduleError(where, "queue", annotation.queue(), "must not be empty");
			}
			options = new TaskOptions(name.isEmpty() ? defaultName : name, queue, 3, Duration.ofSeconds(60), 0, null,
					false, Duration.ZERO);
		}
		return TaskMethod.of(method.bean(), method.method(), method.invocable(), method.targetClass(), options, mapper);
	}

	private ScheduleDefinition schedule(HonkerScheduled annotation, TaskMethod task) {
		String where = task.description();
		String cron = resolve(annotation.cron()).trim();
		String every = resolve(annotation.every()).trim();
		if (cron.isEmpty() == every.isEmpty()) {
			throw new ScheduleConfigurationException("@HonkerScheduled on " + where
					+ ": set exactly one of cron and every, got cron = '" + cron + "' and every = '" + every + "'",
					null);
		}
		String expression = cron.isEmpty() ? "@every " + every : cron;
		String attribute = cron.isEmpty() ? "every" : "cron";
		if (!cron.isEmpty() && cron.startsWith("@")) {
			throw scheduleError(where, attribute, cron, "a cron expression has 5 or 6 fields; use every for intervals");
		}
		try {
			ScheduleExpressions.requireValid(expression);
		}
		catch (IllegalArgumentException ex) {
			throw scheduleError(where, attribute, cron.isEmpty() ? every : cron, ex.getMessage());
		}
		return ScheduleDefinition.of(task.options().name(), task.options().queue(), expression)
			.withPayload(TaskEnvelope.of(task.options().name(), List.of(), Map.of()));
	}

	private String resolve(String value) {
		String resolved = this.beanFactory.resolveEmbeddedValue(value);
		return resolved == null ? "" : resolved;
	}

	private static ScheduleConfigurationException scheduleError(String where, String attribute, String value,
			String reason) {
		return new ScheduleConfigurationException(
				"@HonkerScheduled on " + where + ": " + attribute + " = '" + value + "' is invalid: " + reason, null);
	}

	private record Found(Object bean, Method method, Method invocable, Class<?> targetClass,
			MergedAnnotations annotations) {
	}

}
