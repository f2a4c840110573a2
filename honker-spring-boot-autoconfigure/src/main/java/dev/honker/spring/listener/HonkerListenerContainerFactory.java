package dev.honker.spring.listener;

import java.util.Objects;
import java.util.function.UnaryOperator;

import javax.sql.DataSource;

import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.honker.spring.watch.DatabaseWatcher;
import tools.jackson.databind.ObjectMapper;

/**
 * Creates the container of each {@code @HonkerListener} method from what all listeners
 * share: the application's DataSource (with the Honker functions on its connections), the
 * database's commit watcher, the Jackson mapper, the defaults, and the transaction
 * manager for {@link AckMode#TRANSACTIONAL}.
 */
public class HonkerListenerContainerFactory {

	private final DataSource dataSource;

	private final DatabaseWatcher watcher;

	private final ObjectMapper mapper;

	private final ListenerDefaults defaults;

	private final PlatformTransactionManager transactionManager;

	/**
	 * Creates the factory.
	 * @param dataSource the application's SQLite DataSource
	 * @param watcher the commit watcher of its database file
	 * @param mapper converts payloads to listener parameters
	 * @param defaults the settings of listeners that do not override them
	 * @param transactionManager the application's transaction manager, or {@code null} if
	 * it has none (then {@link AckMode#TRANSACTIONAL} is refused)
	 */
	public HonkerListenerContainerFactory(DataSource dataSource, DatabaseWatcher watcher, ObjectMapper mapper,
			ListenerDefaults defaults, PlatformTransactionManager transactionManager) {
		this.dataSource = Objects.requireNonNull(dataSource, "dataSource must not be null");
		this.watcher = Objects.requireNonNull(watcher, "watcher must not be null");
		this.mapper = Objects.requireNonNull(mapper, "mapper must not be null");
		this.defaults = Objects.requireNonNull(defaults, "defaults must not be null");
		this.transactionManager = transactionManager;
	}

	/** The settings of listeners that do not override them. */
	public ListenerDefaults getDefaults() {
		return this.defaults;
	}

	HonkerListenerContainer createContainer(HonkerListener annotation, UnaryOperator<String> resolver, String beanName,
			HandlerMethod handler) {
		ListenerSettings settings = ListenerSettings.resolve(annotation, resolver, beanName + "." + handler.name(),
				handler.description(), this.defaults);
		TransactionTemplate transaction = null;
		if (settings.ackMode() == AckMode.TRANSACTIONAL) {
			if (this.transactionManager == null) {
				throw new ListenerConfigurationException("@HonkerListener on " + handler.description()
						+ ": ackMode TRANSACTIONAL needs a PlatformTransactionManager bean for the application's "
						+ "DataSource, and there is none; add spring-boot-jdbc or spring-boot-data-jpa, or use AFTER_HANDLER");
			}
			transaction = new TransactionTemplate(this.transactionManager);
		}
		JobStore store = new JobStore(this.dataSource, this.mapper);
		JobInvoker invoker = new JobInvoker(settings.id(), handler,
				PayloadConverter.forType(this.mapper, handler.payloadType()), store,
				new FailurePolicy(settings.backoff(), settings.nonRetryableExceptions()), transaction);
		return new HonkerListenerContainer(settings, handler.description(), store, invoker, this.watcher);
	}

}
