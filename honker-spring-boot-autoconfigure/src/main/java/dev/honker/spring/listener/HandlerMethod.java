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
 * An annotated listener method and the roles of its parameters: at most one payload and
 * at most one parameter of the listener kind's metadata type ({@link HonkerJob} for
 * {@code @HonkerListener}). Signatures the container cannot call are rejected when the
 * bean is created.
 */
public final class HandlerMethod implements JobHandler<Object> {

	private static final int NONE = -1;

	private final Object bean;

	private final Method method;

	private final String description;

	private final int payloadIndex;

	private final int metadataIndex;

	private final @Nullable Type payloadType;

	private HandlerMethod(Object bean, Method method, String description, int payloadIndex, int metadataIndex,
			@Nullable Type payloadType) {
		this.bean = bean;
		this.method = method;
		this.description = description;
		this.payloadIndex = payloadIndex;
		this.metadataIndex = metadataIndex;
		this.payloadType = payloadType;
	}

	/**
	 * Checks the signature of {@code declared} and prepares {@code invocable} (the same
	 * method, callable on {@code bean}, which may be a proxy) for invocation.
	 * @param bean the bean
	 * @param declared the annotated method
	 * @param invocable the method to call on {@code bean}
	 * @param targetClass the bean's class, behind any proxy
	 * @param metadataType the type of the optional metadata parameter
	 * @param annotation the annotation, for messages, for example
	 * {@code @HonkerStreamListener}
	 * @return the handler method
	 * @throws ListenerConfigurationException if the signature is not supported
	 */
	public static HandlerMethod of(Object bean, Method declared, Method invocable, Class<?> targetClass,
			Class<?> metadataType, String annotation) {
		String description = describe(declared);
		if (Modifier.isStatic(declared.getModifiers())) {
			throw new ListenerConfigurationException(annotation + " method " + description + " is static",
					"Make it an instance method of the bean: the container calls it on the bean instance.");
		}
		String metadata = metadataType.getSimpleName();
		int payloadIndex = NONE;
		int metadataIndex = NONE;
		@Nullable Type payloadType = null;
		Type[] types = declared.getGenericParameterTypes();
		for (int i = 0; i < types.length; i++) {
			Type type = GenericTypeResolver.resolveType(types[i], targetClass);
			Class<?> raw = ResolvableType.forType(type).resolve();
			if (raw == metadataType) {
				if (metadataIndex != NONE) {
					throw unsupported(annotation, description, i, type, "a second " + metadata + " parameter",
							"Remove the second " + metadata + " parameter; one receives the metadata.");
				}
				metadataIndex = i;
			}
			else {
				if (payloadIndex != NONE) {
					throw unsupported(annotation, description, i, type, "a second payload parameter",
							"Take one payload parameter (a record, POJO, String, JsonNode, Map or collection) and at most"
									+ " one " + metadata + "; put several values in one record.");
				}
				if (raw == null || ResolvableType.forType(type).hasUnresolvableGenerics()) {
					throw unsupported(annotation, description, i, type, "a payload type with unresolvable generics",
							"Declare the payload with a concrete type, for example List<Order> rather than T or"
									+ " List<T>, so that the payload converter knows what to create.");
				}
				payloadIndex = i;
				payloadType = type;
			}
		}
		ReflectionUtils.makeAccessible(invocable);
		return new HandlerMethod(bean, invocable, description, payloadIndex, metadataIndex, payloadType);
	}

	/**
	 * The payload parameter's type.
	 * @return the type, or {@code null} when the method takes no payload
	 */
	public @Nullable Type payloadType() {
		return this.payloadType;
	}

	/**
	 * The method's name.
	 * @return the name
	 */
	public String name() {
		return this.method.getName();
	}

	/**
	 * The method, for messages: {@code com.example.Handlers.onOrder(Order, HonkerJob)}.
	 * @return the description
	 */
	public String description() {
		return this.description;
	}

	/**
	 * Calls the method with a job's payload and metadata.
	 * @throws Exception whatever the method throws, unwrapped
	 */
	@Override
	public void handle(@Nullable Object payload, HonkerJob job) throws Exception {
		invoke(payload, job);
	}

	/**
	 * Calls the method.
	 * @param payload the converted payload, passed if the method takes one
	 * @param metadata the metadata, passed if the method takes it
	 * @throws Exception whatever the method throws, unwrapped
	 */
	public void invoke(@Nullable Object payload, Object metadata) throws Exception {
		@Nullable Object[] arguments = new Object[this.method.getParameterCount()];
		if (this.payloadIndex != NONE) {
			arguments[this.payloadIndex] = payload;
		}
		if (this.metadataIndex != NONE) {
			arguments[this.metadataIndex] = metadata;
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

	private static ListenerConfigurationException unsupported(String annotation, String description, int index,
			Type type, String what, String action) {
		return new ListenerConfigurationException(annotation + " method " + description + ": parameter " + index
				+ " of type " + type.getTypeName() + " is not supported (" + what + ")", action);
	}

	private static String describe(Method method) {
		return ClassUtils.getQualifiedMethodName(method) + Arrays.stream(method.getParameterTypes())
			.map(Class::getSimpleName)
			.collect(Collectors.joining(", ", "(", ")"));
	}

}
