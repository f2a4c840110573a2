package dev.honker.spring.listener;

import java.lang.reflect.Type;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;

import javax.sql.DataSource;

import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.honker.spring.core.JobTraceContexts;
import dev.honker.spring.watch.DatabaseWatcher;
import tools.jackson.databind.json.JsonMapper;
import org.jspecify.annotations.Nullable;

/**
 * Creates job listener containers, for {@code @HonkerListener} methods and for
 * {@link JobListenerEndpoint}s registered in code, from what all listeners share: the
 * application's DataSource (with the Honker functions on its connections), the database's
 * commit watcher, the defaults, the transaction manager for
 * {@link AckMode#TRANSACTIONAL}, and the strategies the application may replace: the
 * {@link PayloadConverter}, the {@link JobErrorHandler}, the {@link JobInterceptor}s, the
 * {@link HonkerListenerContainerCustomizer}s and the handler executor.
 *
 * <p>
 * A container created in code is not managed until it is registered with
 * {@link HonkerListenerEndpointRegistry#registerListenerContainer}, which starts it with
 * the context (or at once, if the context is running) and stops it with the context.
 */
public class HonkerListenerContainerFactory {

	private final DataSource dataSource;

	private final DatabaseWatcher watcher;

	private final ListenerDefaults defaults;

	private final @Nullable PlatformTransactionManager transactionManager;

	private PayloadConverter payloadConverter = new JacksonPayloadConverter(JsonMapper.shared());

	private @Nullable JobErrorHandler errorHandler;

	private List<JobInterceptor> interceptors = List.of();

	private List<HonkerListenerContainerCustomizer> customizers = List.of();

	private @Nullable Executor taskExecutor;

	private boolean virtualThreads;

	/**
	 * Creates the factory.
	 * @param dataSource the application's SQLite DataSource
	 * @param watcher the commit watcher of its database file
	 * @param defaults the settings of listeners that do not override them
	 * @param transactionManager the application's transaction manager, or {@code null} if
	 * it has none (then {@link AckMode#TRANSACTIONAL} is refused)
	 */
	public HonkerListenerContainerFactory(DataSource dataSource, DatabaseWatcher watcher, ListenerDefaults defaults,
			@Nullable PlatformTransactionManager transactionManager) {
		this.dataSource = Objects.requireNonNull(dataSource, "dataSource must not be null");
		this.watcher = Objects.requireNonNull(watcher, "watcher must not be null");
		this.defaults = Objects.requireNonNull(defaults, "defaults must not be null");
		this.transactionManager = transactionManager;
	}

	/** The settings of listeners that do not override them. */
	public ListenerDefaults getDefaults() {
		return this.defaults;
	}

	/**
	 * Sets the payload converter of every listener; a {@link JacksonPayloadConverter} on
	 * Jackson's shared mapper unless set.
	 * @param payloadConverter the converter
	 */
	public void setPayloadConverter(PayloadConverter payloadConverter) {
		this.payloadConverter = Objects.requireNonNull(payloadConverter, "payloadConverter must not be null");
	}

	/**
	 * Sets the error handler of every listener, instead of each listener's
	 * {@link DefaultJobErrorHandler}.
	 * @param errorHandler the handler, or {@code null} for the defaults
	 */
	public void setErrorHandler(@Nullable JobErrorHandler errorHandler) {
		this.errorHandler = errorHandler;
	}

	/**
	 * Sets the interceptors around every job, in order. With an
	 * {@link ObservationJobInterceptor} that continues stored traces, the containers read
	 * the trace contexts of the jobs they claim in the claim transaction.
	 * @param interceptors the interceptors
	 */
	public void setInterceptors(List<JobInterceptor> interceptors) {
		this.interceptors = List.copyOf(interceptors);
	}

	/**
	 * Sets the customizers applied to every created container, in order.
	 * @param customizers the customizers
	 */
	public void setContainerCustomizers(List<HonkerListenerContainerCustomizer> customizers) {
		this.customizers = List.copyOf(customizers);
	}

	/**
	 * Runs the handlers of every container on {@code taskExecutor}, which the containers
	 * share and never shut down. Each container still runs at most its concurrency of
	 * jobs at a time.
	 * @param taskExecutor the executor, or {@code null} for threads of each container's
	 * own
	 */
	public void setTaskExecutor(@Nullable Executor taskExecutor) {
		this.taskExecutor = taskExecutor;
	}

	/**
	 * Runs each job on a new virtual thread when no task executor is set, instead of a
	 * pool of platform threads per container. Needs Java 21 or later.
	 * @param virtualThreads whether to use virtual threads
	 * @throws IllegalStateException if {@code true} and the JVM has no virtual threads
	 */
	public void setVirtualThreads(boolean virtualThreads) {
		if (virtualThreads && Runtime.version().feature() < 21) {
			throw new IllegalStateException("virtual threads need Java 21 or later; this JVM is Java "
					+ Runtime.version().feature() + "; turn them off or run on Java 21+");
		}
		this.virtualThreads = virtualThreads;
	}

	/**
	 * Creates the container of a listener registered in code.
	 * @param endpoint the queue, payload type, handler and settings
	 * @return the container, customized, not started and not registered
	 * @throws ListenerConfigurationException if the endpoint cannot work with this
	 * factory
	 */
	public HonkerListenerContainer createContainer(JobListenerEndpoint endpoint) {
		Objects.requireNonNull(endpoint, "endpoint must not be null");
		return create(endpoint.settings(this.defaults), endpoint.description(), endpoint.handler(),
				endpoint.payloadType(), endpoint.errorHandler());
	}

	HonkerListenerContainer createContainer(HonkerListener annotation, UnaryOperator<String> resolver, String beanName,
			HandlerMethod handler) {
		ListenerSettings settings = ListenerSettings.resolve(annotation, resolver, beanName + "." + handler.name(),
				handler.description(), this.defaults);
		return create(settings, handler.description(), handler, handler.payloadType(), null);
	}

	private HonkerListenerContainer create(ListenerSettings settings, String description, JobHandler<Object> handler,
			@Nullable Type payloadType, @Nullable JobErrorHandler listenerErrorHandler) {
		PayloadBinding payload = PayloadBinding.of(this.payloadConverter, payloadType, description);
		TransactionTemplate transaction = null;
		if (settings.ackMode() == AckMode.TRANSACTIONAL) {
			if (this.transactionManager == null) {
				throw new ListenerConfigurationException(description
						+ ": ackMode TRANSACTIONAL needs a PlatformTransactionManager bean for the application's"
						+ " DataSource, and there is none",
						"Add spring-boot-jdbc or spring-boot-data-jpa so that a transaction manager of the DataSource"
								+ " exists, or use ackMode AFTER_HANDLER.");
			}
			transaction = new TransactionTemplate(this.transactionManager);
		}
		JobStore store = new JobStore(this.dataSource, traceContexts());
		JobInvoker invoker = new JobInvoker(settings.id(), handler, payload, store,
				(listenerErrorHandler != null) ? listenerErrorHandler
						: new DefaultJobErrorHandler(settings.backoff(), settings.nonRetryableExceptions()),
				this.errorHandler, this.interceptors, transaction);
		HonkerListenerContainer container = new HonkerListenerContainer(settings, description, store, invoker,
				this.watcher, this.taskExecutor, this.virtualThreads);
		this.customizers.forEach(customizer -> customizer.customize(container));
		return container;
	}

	/**
	 * The trace context store of the observation interceptor, if any, so that the claim
	 * transaction reads the contexts its handlers continue.
	 */
	private @Nullable JobTraceContexts traceContexts() {
		for (JobInterceptor interceptor : this.interceptors) {
			if (interceptor instanceof ObservationJobInterceptor observation && observation.traceContexts() != null) {
				return observation.traceContexts();
			}
		}
		return null;
	}

}
