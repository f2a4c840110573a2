package dev.honker.spring.listener;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.stream.Collectors;

import org.springframework.core.GenericTypeResolver;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.jspecify.annotations.Nullable;

/**
 * A {@code @HonkerListener} method and the roles of its parameters: at most one payload
 * and at most one {@link HonkerJob}. Signatures the container cannot call are rejected
 * when the bean is created.
 */
final class HandlerMethod implements JobHandler<Object> {

	private static final int NONE = -1;

	private final Object bean;

	private final Method method;

	private final String description;

	private final int payloadIndex;

	private final int jobIndex;

	private final @Nullable Type payloadType;

	private HandlerMethod(Object bean, Method method, String description, int payloadIndex, int jobIndex,
			@Nullable Type payloadType) {
		this.bean = bean;
		this.method = method;
		this.description = description;
		this.payloadIndex = payloadIndex;
		this.jobIndex = jobIndex;
		this.payloadType = payloadType;
	}

	/**
	 * Checks the signature of {@code declared} and prepares {@code invocable} (the same
	 * method, callable on {@code bean}, which may be a proxy) for invocation.
	 */
	static HandlerMethod of(Object bean, Method declared, Method invocable, Class<?> targetClass) {
		String description = describe(declared);
		if (Modifier.isStatic(declared.getModifiers())) {
			throw new ListenerConfigurationException("@HonkerListener method " + description + " is static",
					"Make it an instance method of the bean: the container calls it on the bean instance.");
		}
		int payloadIndex = NONE;
		int jobIndex = NONE;
		@Nullable Type payloadType = null;
		Type[] types = declared.getGenericParameterTypes();
		for (int i = 0; i < types.length; i++) {
			Type type = GenericTypeResolver.resolveType(types[i], targetClass);
			Class<?> raw = ResolvableType.forType(type).resolve();
			if (raw == HonkerJob.class) {
				if (jobIndex != NONE) {
					throw unsupported(description, i, type, "a second HonkerJob parameter",
							"Remove the second HonkerJob parameter; one receives the job's metadata.");
				}
				jobIndex = i;
			}
			else {
				if (payloadIndex != NONE) {
					throw unsupported(description, i, type, "a second payload parameter",
							"Take one payload parameter (a record, POJO, String, JsonNode, Map or collection) and at most"
									+ " one HonkerJob; put several values in one record.");
				}
				if (raw == null || ResolvableType.forType(type).hasUnresolvableGenerics()) {
					throw unsupported(description, i, type, "a payload type with unresolvable generics",
							"Declare the payload with a concrete type, for example List<Order> rather than T or"
									+ " List<T>, so that the payload converter knows what to create.");
				}
				payloadIndex = i;
				payloadType = type;
			}
		}
		ReflectionUtils.makeAccessible(invocable);
		return new HandlerMethod(bean, invocable, description, payloadIndex, jobIndex, payloadType);
	}

	/** The payload parameter's type, or {@code null} when the method takes no payload. */
	@Nullable Type payloadType() {
		return this.payloadType;
	}

	/** The method's name. */
	String name() {
		return this.method.getName();
	}

	/**
	 * The method, for messages: {@code com.example.Handlers.onOrder(Order, HonkerJob)}.
	 */
	String description() {
		return this.description;
	}

	/**
	 * Calls the method.
	 * @throws Exception whatever the method throws, unwrapped
	 */
	@Override
	public void handle(@Nullable Object payload, HonkerJob job) throws Exception {
		Object[] arguments = new Object[this.method.getParameterCount()];
		if (this.payloadIndex != NONE) {
			arguments[this.payloadIndex] = payload;
		}
		if (this.jobIndex != NONE) {
			arguments[this.jobIndex] = job;
		}
		try {
			this.method.invoke(this.bean, arguments);
		}
		catch (InvocationTargetException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof Exception exception) {
				throw exception;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw ex;
		}
	}

	private static ListenerConfigurationException unsupported(String description, int index, Type type, String what,
			String action) {
		return new ListenerConfigurationException("@HonkerListener method " + description + ": parameter " + index
				+ " of type " + type.getTypeName() + " is not supported (" + what + ")", action);
	}

	private static String describe(Method method) {
		return ClassUtils.getQualifiedMethodName(method) + Arrays.stream(method.getParameterTypes())
			.map(Class::getSimpleName)
			.collect(Collectors.joining(", ", "(", ")"));
	}

}
