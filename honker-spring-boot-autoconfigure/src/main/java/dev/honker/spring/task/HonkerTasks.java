package dev.honker.spring.task;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;

import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.core.JobOptions;
import dev.honker.spring.watch.DatabaseWatcher;

/**
 * Calls durable tasks: each call enqueues Honker's task envelope
 * {@code {"__honker_task__": {"task": name, "args": [...], "kwargs": {...}}}} on the
 * task's queue with {@link HonkerTemplate}, so it runs in the caller's transaction (a
 * rolled-back call enqueues nothing), and returns a {@link TaskHandle} to await the
 * result with. Any worker of the task runs it: a {@link HonkerTask} method of a Spring
 * application, or Python's {@code @queue.task} of the same name.
 *
 * <p>
 * Two ways to call: by name with a {@link TaskCall} (positional and keyword arguments),
 * or through a typed client, an interface whose methods carry {@link HonkerTask} and
 * return {@link TaskHandle}:
 *
 * <pre>{@code
 * interface Billing {
 *     &#64;HonkerTask(name = "billing.charge", queue = "billing", retries = 5)
 *     TaskHandle<Receipt> charge(long customerId, int cents);
 * }
 *
 * Billing billing = tasks.client(Billing.class);       // once, e.g. in a @Bean method
 * TaskHandle<Receipt> receipt = billing.charge(42, 1999); // enqueues, in the current transaction
 * }</pre>
 *
 * Arguments Jackson cannot write fail the call before anything is written.
 */
public class HonkerTasks {

	private static final Object[] NO_ARGS = {};

	private final HonkerTemplate template;

	private final ObjectMapper mapper;

	private final TaskResults results;

	private final UnaryOperator<String> placeholders;

	/**
	 * Creates the client.
	 * @param template enqueues the calls
	 * @param dataSource reads results
	 * @param mapper reads results
	 * @param watcher the commit watcher that wakes {@link TaskHandle#await}, looked up on
	 * first use
	 * @param placeholders resolves {@code ${...}} in client interfaces' attributes
	 */
	public HonkerTasks(HonkerTemplate template, DataSource dataSource, ObjectMapper mapper,
			Supplier<DatabaseWatcher> watcher, UnaryOperator<String> placeholders) {
		Assert.notNull(template, "template must not be null");
		Assert.notNull(dataSource, "dataSource must not be null");
		Assert.notNull(mapper, "mapper must not be null");
		Assert.notNull(watcher, "watcher must not be null");
		Assert.notNull(placeholders, "placeholders must not be null");
		this.template = template;
		this.mapper = mapper;
		this.results = new TaskResults(dataSource, mapper, watcher);
		this.placeholders = placeholders;
	}

	/**
	 * Enqueues a call of a task by name, in the current transaction.
	 * @param call the queue, the task, its arguments and options
	 * @param resultType the type to read the result as
	 * @param <R> the result type
	 * @return the handle of the call
	 * @throws dev.honker.spring.core.HonkerPayloadException if Jackson cannot write an
	 * argument; nothing is written then
	 */
	public <R> TaskHandle<R> call(TaskCall call, Class<R> resultType) {
		Assert.notNull(call, "call must not be null");
		Assert.notNull(resultType, "resultType must not be null");
		return enqueue(call.queue(), TaskEnvelope.of(call.task(), call.args(), call.kwargs()),
				options(call.priority(), call.expires(), call.maxAttempts()), call.task(),
				this.mapper.constructType(resultType));
	}

	/**
	 * A typed client: an implementation of {@code api} whose methods enqueue calls of the
	 * tasks their {@link HonkerTask} annotations name, with the method's arguments as
	 * {@code args}, and return their {@link TaskHandle}.
	 * @param api an interface whose every abstract method carries {@link HonkerTask} with
	 * a name, and returns {@code TaskHandle<R>}
	 * @param <T> the interface
	 * @return the client
	 * @throws TaskConfigurationException naming the method if one does not fit
	 */
	public <T> T client(Class<T> api) {
		Assert.notNull(api, "api must not be null");
		if (!api.isInterface()) {
			throw new TaskConfigurationException(api.getName() + " is not an interface; a task client is an interface",
					null);
		}
		Map<Method, ClientMethod> methods = new HashMap<>();
		for (Method method : api.getMethods()) {
			if (!method.isDefault() && !Modifier.isStatic(method.getModifiers())) {
				methods.put(method, clientMethod(method));
			}
		}
		Object proxy = Proxy.newProxyInstance(api.getClassLoader(), new Class<?>[] { api }, (self, method, args) -> {
			ClientMethod target = methods.get(method);
			if (target != null) {
				return enqueue(target.queue(),
						TaskEnvelope.of(target.task(), (args != null) ? args : NO_ARGS, Map.of()), target.options(),
						target.task(), target.resultType());
			}
			return switch (method.getName()) {
				case "equals" -> self == args[0];
				case "hashCode" -> System.identityHashCode(self);
				case "toString" -> "HonkerTasks client of " + api.getName();
				default -> InvocationHandler.invokeDefault(self, method, args);
			};
		});
		return api.cast(proxy);
	}

	private ClientMethod clientMethod(Method method) {
		String where = ClassUtils.getQualifiedMethodName(method);
		HonkerTask annotation = AnnotatedElementUtils.findMergedAnnotation(method, HonkerTask.class);
		if (annotation == null) {
			throw new TaskConfigurationException(
					"task client method " + where + " has no @HonkerTask; annotate it with the task's name and queue",
					null);
		}
		TaskOptions options = TaskOptions.resolve(annotation, this.placeholders, null, where);
		ResolvableType returned = ResolvableType.forMethodReturnType(method);
		if (returned.resolve() != TaskHandle.class || returned.getGeneric(0).resolve() == null) {
			throw new TaskConfigurationException("task client method " + where + " returns " + returned
					+ "; it must return TaskHandle<R>, R being the task's result type", null);
		}
		return new ClientMethod(options.queue(), options.name(),
				options(options.priority(), options.expires(), options.retries()),
				this.mapper.constructType(returned.getGeneric(0).getType()));
	}

	private <R> TaskHandle<R> enqueue(String queue, TaskEnvelope.Envelope envelope, JobOptions options, String task,
			JavaType resultType) {
		long id = this.template.enqueue(queue, envelope, options);
		return new TaskHandle<>(task, id, resultType, this.results);
	}

	private static JobOptions options(int priority, @Nullable Duration expires, int maxAttempts) {
		JobOptions options = JobOptions.defaults().withPriority(priority).withMaxAttempts(maxAttempts);
		return (expires != null) ? options.withExpires(expires) : options;
	}

	/** A method of a client interface: where its calls go, with which options. */
	private record ClientMethod(String queue, String task, JobOptions options, JavaType resultType) {
	}

}
