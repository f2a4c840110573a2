package dev.honker.spring.task;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.GenericTypeResolver;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import dev.honker.spring.listener.HonkerJob;

/**
 * A task method and how to call it with a task envelope's {@code args} (by position) and
 * {@code kwargs} (by parameter name); a {@link HonkerJob} parameter receives the job.
 * Arguments that do not fit are a {@link TaskRejectedException}, which dead-letters the
 * job at once: another attempt would not fit better.
 */
final class TaskMethod {

	private final Object bean;

	private final Method method;

	private final String description;

	private final TaskOptions options;

	private final List<Binding> bindings;

	private final int jobIndex;

	private TaskMethod(Object bean, Method method, String description, TaskOptions options, List<Binding> bindings,
			int jobIndex) {
		this.bean = bean;
		this.method = method;
		this.description = description;
		this.options = options;
		this.bindings = bindings;
		this.jobIndex = jobIndex;
	}

	/**
	 * Prepares {@code invocable} (the method {@code declared}, callable on {@code bean},
	 * which may be a proxy).
	 * @throws TaskConfigurationException naming the method if it cannot be a task
	 */
	static TaskMethod of(Object bean, Method declared, Method invocable, Class<?> targetClass, TaskOptions options,
			ObjectMapper mapper) {
		String description = describe(declared);
		if (Modifier.isStatic(declared.getModifiers())) {
			throw new TaskConfigurationException(
					"task method " + description + " is static; make it an instance method of the bean", null);
		}
		List<Binding> bindings = new ArrayList<>();
		int jobIndex = -1;
		Parameter[] parameters = declared.getParameters();
		for (int i = 0; i < parameters.length; i++) {
			Type type = GenericTypeResolver.resolveType(declared.getGenericParameterTypes()[i], targetClass);
			if (ResolvableType.forType(type).resolve() == HonkerJob.class) {
				if (jobIndex >= 0) {
					throw new TaskConfigurationException(
							"task method " + description + " has a second HonkerJob parameter at index " + i, null);
				}
				jobIndex = i;
				continue;
			}
			if (!parameters[i].isNamePresent()) {
				throw new TaskConfigurationException("task method " + description
						+ ": parameter names are not compiled in; compile with -parameters so kwargs bind by name",
						null);
			}
			bindings.add(new Binding(i, parameters[i].getName(), mapper.readerFor(mapper.constructType(type)),
					parameters[i].getType().isPrimitive()));
		}
		ReflectionUtils.makeAccessible(invocable);
		return new TaskMethod(bean, invocable, description, options, List.copyOf(bindings), jobIndex);
	}

	TaskOptions options() {
		return this.options;
	}

	/** The method, for messages: {@code com.example.Billing.charge(long, int)}. */
	String description() {
		return this.description;
	}

	/**
	 * Binds the arguments and calls the method.
	 * @return what the method returned
	 * @throws TaskRejectedException if the arguments do not fit the parameters
	 * @throws Exception whatever the method throws, unwrapped
	 */
	@Nullable Object invoke(@Nullable JsonNode args, @Nullable JsonNode kwargs, HonkerJob job) throws Exception {
		@Nullable Object[] values = bind(args, kwargs);
		if (this.jobIndex >= 0) {
			values[this.jobIndex] = job;
		}
		try {
			return AopUtils.invokeJoinpointUsingReflection(this.bean, this.method, values);
		}
		catch (Exception | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new UndeclaredThrowableException(ex);
		}
	}

	private @Nullable Object[] bind(@Nullable JsonNode args, @Nullable JsonNode kwargs) {
		String task = this.options.name();
		if (args != null && !args.isNull() && !args.isArray()) {
			throw new TaskRejectedException("task '" + task + "': args must be a JSON array, got " + args);
		}
		if (kwargs != null && !kwargs.isNull() && !kwargs.isObject()) {
			throw new TaskRejectedException("task '" + task + "': kwargs must be a JSON object, got " + kwargs);
		}
		int positional = (args == null || args.isNull()) ? 0 : args.size();
		if (positional > this.bindings.size()) {
			throw new TaskRejectedException("task '" + task + "' takes " + this.bindings.size() + " argument(s), got "
					+ positional + " positional: " + args);
		}
		Set<String> unused = new HashSet<>();
		if (kwargs != null && kwargs.isObject()) {
			unused.addAll(kwargs.propertyNames());
		}
		@Nullable Object[] values = new Object[this.method.getParameterCount()];
		for (int i = 0; i < this.bindings.size(); i++) {
			Binding binding = this.bindings.get(i);
			JsonNode value;
			if (i < positional) {
				value = args.get(i);
				if (unused.contains(binding.name())) {
					throw new TaskRejectedException(
							"task '" + task + "' got multiple values for argument '" + binding.name() + "'");
				}
			}
			else if (unused.remove(binding.name())) {
				value = kwargs.get(binding.name());
			}
			else {
				throw new TaskRejectedException("task '" + task + "' is missing argument '" + binding.name() + "'");
			}
			values[binding.index()] = binding.read(task, value);
		}
		if (!unused.isEmpty()) {
			throw new TaskRejectedException("task '" + task + "' got unexpected keyword argument(s) "
					+ unused.stream().sorted().collect(Collectors.joining(", ")) + "; its parameters are "
					+ this.bindings.stream().map(Binding::name).toList());
		}
		return values;
	}

	/** A method, for messages: {@code com.example.Billing.charge(long, int)}. */
	static String describe(Method method) {
		return ClassUtils.getQualifiedMethodName(method) + Arrays.stream(method.getParameterTypes())
			.map(Class::getSimpleName)
			.collect(Collectors.joining(", ", "(", ")"));
	}

	/** One parameter bound from the envelope. */
	private record Binding(int index, String name, ObjectReader reader, boolean primitive) {

		@Nullable Object read(String task, JsonNode value) {
			if (value.isNull() && this.primitive) {
				throw new TaskRejectedException("task '" + task + "': argument '" + this.name + "' is null, but "
						+ "the parameter is a primitive");
			}
			try {
				return this.reader.readValue(value);
			}
			catch (JacksonException ex) {
				throw new TaskRejectedException("task '" + task + "': argument '" + this.name + "' = " + value
						+ " does not fit the parameter: " + ex.getOriginalMessage(), ex);
			}
		}

	}

}
