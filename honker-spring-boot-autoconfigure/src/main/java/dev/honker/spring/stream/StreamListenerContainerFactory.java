package dev.honker.spring.stream;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.listener.HandlerMethod;
import dev.honker.spring.listener.ListenerAttributes;
import dev.honker.spring.listener.ListenerConfigurationException;
import dev.honker.spring.listener.PayloadBinding;
import dev.honker.spring.listener.PayloadConverter;
import dev.honker.spring.watch.DatabaseWatcher;

/**
 * Creates stream consumer containers, for {@code @HonkerStreamListener} methods and for
 * consumers created in code, from what they share: the template, the DataSource and its
 * transaction manager, the commit watcher and the defaults. A container created in code
 * is managed once registered with the listener registry.
 */
public class StreamListenerContainerFactory {

	/** What each attribute that can be invalid takes. */
	private static final Map<String, String> EXPECTED = Map.of("topic", "the topic to consume", "consumer",
			"the consumer name to save the offset under", "start", "earliest, latest or an offset (0 or more)",
			"offsetMode", "AFTER_BATCH or TRANSACTIONAL", "batchSize", "a whole number of at least 1", "maxAttempts",
			"a whole number of at least 1", "failureAction", "STOP or SKIP", "lockTtl",
			"a whole number of seconds of at least 1, such as 30s, PT30S or 30", "autoStartup", "true or false");

	private final HonkerTemplate template;

	private final DataSource dataSource;

	private final DatabaseWatcher watcher;

	private final StreamListenerDefaults defaults;

	private final PlatformTransactionManager transactionManager;

	private final PayloadConverter payloadConverter;

	/**
	 * Creates the factory.
	 * @param template reads events, saves offsets and takes locks
	 * @param dataSource the application's SQLite DataSource
	 * @param watcher the commit watcher of its database file
	 * @param defaults the settings of consumers that do not override them
	 * @param transactionManager the application's transaction manager, or {@code null} if
	 * it has none (then offsets are saved in transactions of a
	 * {@link DataSourceTransactionManager}, and {@link StreamOffsetMode#TRANSACTIONAL} is
	 * refused)
	 * @param payloadConverter converts the payloads of annotated consumers
	 */
	public StreamListenerContainerFactory(HonkerTemplate template, DataSource dataSource, DatabaseWatcher watcher,
			StreamListenerDefaults defaults, PlatformTransactionManager transactionManager,
			PayloadConverter payloadConverter) {
		this.template = Objects.requireNonNull(template, "template must not be null");
		this.dataSource = Objects.requireNonNull(dataSource, "dataSource must not be null");
		this.watcher = Objects.requireNonNull(watcher, "watcher must not be null");
		this.defaults = Objects.requireNonNull(defaults, "defaults must not be null");
		this.transactionManager = transactionManager;
		this.payloadConverter = Objects.requireNonNull(payloadConverter, "payloadConverter must not be null");
	}

	/** The settings of consumers that do not override them. */
	public StreamListenerDefaults getDefaults() {
		return this.defaults;
	}

	/**
	 * Creates a consumer container.
	 * @param settings the consumer's settings
	 * @param listenerDescription what the container runs, for messages
	 * @param handler receives the events
	 * @return the container, not started and not registered
	 * @throws ListenerConfigurationException if the settings ask for
	 * {@link StreamOffsetMode#TRANSACTIONAL} and there is no transaction manager
	 */
	public StreamListenerContainer createContainer(StreamConsumerSettings settings, String listenerDescription,
			StreamEventHandler handler) {
		PlatformTransactionManager transactions = this.transactionManager;
		if (transactions == null) {
			if (settings.offsetMode() == StreamOffsetMode.TRANSACTIONAL) {
				throw new ListenerConfigurationException(listenerDescription
						+ ": offsetMode TRANSACTIONAL needs a PlatformTransactionManager bean for the application's"
						+ " DataSource, and there is none",
						"Add spring-boot-jdbc or spring-boot-data-jpa so that a transaction manager of the DataSource"
								+ " exists, or use offsetMode AFTER_BATCH.");
			}
			transactions = new DataSourceTransactionManager(this.dataSource);
		}
		return new StreamListenerContainer(settings, listenerDescription, handler, this.template,
				new TransactionTemplate(transactions), new SkippedEvents(new JdbcTemplate(this.dataSource)),
				this.watcher);
	}

	/**
	 * The settings of an annotated method: its attributes with placeholders resolved, the
	 * defaults for empty ones.
	 */
	StreamConsumerSettings settings(HonkerStreamListener annotation, UnaryOperator<String> resolver, String defaultId,
			String method) {
		ListenerAttributes attributes = new ListenerAttributes(resolver, "@HonkerStreamListener", method, EXPECTED);
		String id = attributes.parse("id", annotation.id(), value -> value, defaultId);
		String topic = attributes.text("topic", annotation.topic()).trim();
		String consumer = attributes.text("consumer", annotation.consumer()).trim();
		attributes.check("topic", annotation.topic(), () -> requireText(topic));
		attributes.check("consumer", annotation.consumer(), () -> requireText(consumer));
		StreamStartPosition start = attributes.parse("start", annotation.start(), StreamStartPosition::parse,
				this.defaults.start());
		StreamOffsetMode offsetMode = attributes.parse("offsetMode", annotation.offsetMode(),
				value -> ListenerAttributes.constant(StreamOffsetMode.class, value), this.defaults.offsetMode());
		int batchSize = attributes.parse("batchSize", annotation.batchSize(), Integer::valueOf,
				this.defaults.batchSize());
		int maxAttempts = attributes.parse("maxAttempts", annotation.maxAttempts(), Integer::valueOf,
				this.defaults.maxAttempts());
		StreamFailureAction failureAction = attributes.parse("failureAction", annotation.failureAction(),
				value -> ListenerAttributes.constant(StreamFailureAction.class, value), this.defaults.failureAction());
		Duration lockTtl = attributes.parse("lockTtl", annotation.lockTtl(), ListenerAttributes::seconds,
				this.defaults.lockTtl());
		boolean autoStartup = attributes.parse("autoStartup", annotation.autoStartup(), ListenerAttributes::bool,
				this.defaults.autoStartup());
		try {
			return new StreamConsumerSettings(id, topic, consumer, start, offsetMode, batchSize, maxAttempts,
					this.defaults.backoff(), failureAction, lockTtl, this.defaults.fallbackPoll(), autoStartup);
		}
		catch (IllegalArgumentException ex) {
			throw new ListenerConfigurationException("@HonkerStreamListener on " + method + ": " + ex.getMessage(),
					"Correct the attribute or the honker.stream property it defaults to.", ex);
		}
	}

	/** The payload type of a consumer method, checked against the payload converter. */
	PayloadBinding payloadBinding(HandlerMethod handler) {
		return PayloadBinding.of(this.payloadConverter, handler.payloadType(), handler.description());
	}

	private static void requireText(String value) {
		if (value.isEmpty()) {
			throw new IllegalArgumentException("must not be empty");
		}
	}

}
