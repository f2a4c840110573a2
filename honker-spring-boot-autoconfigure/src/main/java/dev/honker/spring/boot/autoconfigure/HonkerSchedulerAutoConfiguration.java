package dev.honker.spring.boot.autoconfigure;

import java.time.Duration;
import java.util.Map;

import javax.sql.DataSource;

import org.sqlite.SQLiteConnection;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Lazy;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionTemplate;

import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.listener.HonkerListenerContainerFactory;
import dev.honker.spring.listener.HonkerListenerEndpointRegistry;
import dev.honker.spring.scheduler.HonkerSchedulerLeader;
import dev.honker.spring.scheduler.HonkerSchedules;
import dev.honker.spring.scheduler.ScheduleDeclarations;
import dev.honker.spring.scheduler.ScheduleDefinition;
import dev.honker.spring.task.HonkerTaskAnnotationBeanPostProcessor;
import dev.honker.spring.task.HonkerTasks;
import dev.honker.spring.task.TaskWorkers;
import dev.honker.spring.watch.DatabaseWatcher;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Schedules and tasks: the {@link HonkerSchedules} and {@link HonkerTasks} beans, the
 * schedules declared under {@code honker.scheduler.schedules.*}, and the scheduler leader
 * that fires them in one process per database file. Active under the same conditions as
 * {@link HonkerAutoConfiguration}.
 */
@AutoConfiguration(after = { HonkerAutoConfiguration.class, HonkerListenerAutoConfiguration.class },
		afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
				"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
				"org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration" })
@ConditionalOnClass({ SQLiteConnection.class, JdbcTemplate.class, JsonMapper.class })
@ConditionalOnHonkerDatabase
@EnableConfigurationProperties(HonkerProperties.class)
public final class HonkerSchedulerAutoConfiguration {

	private static final String SCHEDULES = "honker.scheduler.schedules.";

	/** Registers, changes, pauses and lists schedules in the caller's transaction. */
	@Bean
	@ConditionalOnMissingBean
	HonkerSchedules honkerSchedules(DataSource dataSource, ObjectProvider<JsonMapper> mapper) {
		return new HonkerSchedules(dataSource, mapper.getIfUnique(JsonMapper::shared));
	}

	/** Calls durable tasks in the caller's transaction. */
	@Bean
	@ConditionalOnMissingBean
	HonkerTasks honkerTasks(HonkerTemplate template, DataSource dataSource, ObjectProvider<JsonMapper> mapper,
			ObjectProvider<DatabaseWatcher> watcher, ConfigurableBeanFactory beanFactory) {
		return new HonkerTasks(template, dataSource, mapper.getIfUnique(JsonMapper::shared), watcher::getObject,
				beanFactory::resolveEmbeddedValue);
	}

	/** Finds {@code @HonkerTask} and {@code @HonkerScheduled} methods. */
	@Bean
	@ConditionalOnMissingBean
	static HonkerTaskAnnotationBeanPostProcessor honkerTaskAnnotationBeanPostProcessor() {
		return new HonkerTaskAnnotationBeanPostProcessor();
	}

	/** Runs the task methods of each queue; created when the application has some. */
	@Bean
	@Lazy
	@ConditionalOnMissingBean
	TaskWorkers honkerTaskWorkers(HonkerListenerContainerFactory factory, HonkerListenerEndpointRegistry registry,
			HonkerTemplate template) {
		return new TaskWorkers(factory, registry, template);
	}

	/**
	 * The schedules of {@code honker.scheduler.schedules.*} (and of
	 * {@code @HonkerScheduled} methods), registered at startup.
	 */
	@Bean
	@ConditionalOnMissingBean
	ScheduleDeclarations honkerScheduleDeclarations(HonkerSchedules schedules, HonkerProperties properties,
			ObjectProvider<PlatformTransactionManager> transactionManager, ObjectProvider<JsonMapper> mapper) {
		PlatformTransactionManager manager = transactionManager.getIfUnique();
		TransactionOperations transaction = (manager != null) ? new TransactionTemplate(manager)
				: TransactionOperations.withoutTransaction();
		ScheduleDeclarations declarations = new ScheduleDeclarations(schedules, transaction);
		JsonMapper json = mapper.getIfUnique(JsonMapper::shared);
		for (Map.Entry<String, HonkerProperties.Schedule> entry : properties.getScheduler().getSchedules().entrySet()) {
			declarations.add(definition(entry.getKey(), entry.getValue(), json), SCHEDULES + entry.getKey());
		}
		return declarations;
	}

	/**
	 * The scheduler leader candidate; it takes part only when the application runs
	 * listeners.
	 */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "honker.scheduler.enabled", matchIfMissing = true)
	HonkerSchedulerLeader honkerSchedulerLeader(DataSource dataSource, ObjectProvider<DatabaseWatcher> watcher,
			ObjectProvider<HonkerListenerEndpointRegistry> registry, HonkerProperties properties) {
		HonkerProperties.Scheduler scheduler = properties.getScheduler();
		Duration ttl = scheduler.getLockTtl();
		Duration renew = scheduler.getLockRenewInterval();
		if (ttl == null || ttl.getSeconds() < 1 || ttl.getNano() != 0) {
			throw HonkerConfigurationException.invalidProperty("honker.scheduler.lock-ttl", ttl,
					"must be a whole number of seconds, at least 1s", "Set it to whole seconds; the default is 60s.");
		}
		if (renew == null || renew.isNegative() || renew.isZero() || renew.compareTo(ttl) >= 0) {
			throw HonkerConfigurationException.invalidProperty("honker.scheduler.lock-renew-interval", renew,
					"must be positive and shorter than honker.scheduler.lock-ttl (" + ttl + ")",
					"Set it to about half the lock's time to live; the default is 30s.");
		}
		return new HonkerSchedulerLeader(dataSource, watcher::getObject, ttl, renew,
				() -> runsListeners(registry.getIfAvailable()));
	}

	private static boolean runsListeners(HonkerListenerEndpointRegistry registry) {
		return registry != null && !registry.getListenerContainers().isEmpty();
	}

	static ScheduleDefinition definition(String name, HonkerProperties.Schedule schedule, JsonMapper mapper) {
		String prefix = SCHEDULES + name + ".";
		if (schedule.getQueue() == null || schedule.getQueue().isBlank()) {
			throw HonkerConfigurationException.invalidProperty(prefix + "queue", schedule.getQueue(),
					"a schedule needs the queue its jobs go to", "Set " + prefix + "queue to a queue name.");
		}
		if (schedule.getCron() == null || schedule.getCron().isBlank()) {
			throw HonkerConfigurationException.invalidProperty(prefix + "cron", schedule.getCron(),
					"a schedule needs an expression",
					"Set " + prefix + "cron to a 5- or 6-field cron expression or '@every <n><unit>'.");
		}
		JsonNode payload;
		try {
			payload = mapper.readTree(schedule.getPayload());
		}
		catch (JacksonException ex) {
			throw HonkerConfigurationException.invalidProperty(prefix + "payload", schedule.getPayload(),
					"not JSON: " + ex.getOriginalMessage(),
					"Set " + prefix + "payload to JSON text, for example '{\"kind\":\"daily\"}' or '\"text\"'.");
		}
		try {
			return new ScheduleDefinition(name, schedule.getQueue(), schedule.getCron(), payload,
					schedule.getPriority(), schedule.getExpires(), schedule.getMaxAttempts());
		}
		catch (IllegalArgumentException ex) {
			throw HonkerConfigurationException.invalidProperty(prefix + property(ex.getMessage()),
					valueOf(schedule, ex.getMessage()), ex.getMessage(),
					"Fix " + prefix + "* (cron: 5 or 6 fields or '@every <n><unit>'; expires: whole seconds;"
							+ " max-attempts: at least 1).");
		}
	}

	private static String property(String message) {
		if (message.startsWith("expires")) {
			return "expires";
		}
		if (message.startsWith("maxAttempts")) {
			return "max-attempts";
		}
		return "cron";
	}

	private static Object valueOf(HonkerProperties.Schedule schedule, String message) {
		return switch (property(message)) {
			case "expires" -> schedule.getExpires();
			case "max-attempts" -> schedule.getMaxAttempts();
			default -> schedule.getCron();
		};
	}

}
