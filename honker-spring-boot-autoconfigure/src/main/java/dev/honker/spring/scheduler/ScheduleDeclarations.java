package dev.honker.spring.scheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.log.LogAccessor;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.transaction.support.TransactionOperations;

import dev.honker.spring.core.HonkerFunctionException;
import dev.honker.spring.core.HonkerPayloadException;
import dev.honker.spring.listener.HonkerListenerContainer;

/**
 * The schedules an application declares (in configuration and with
 * {@link HonkerScheduled}), each with where it was declared, registered together when the
 * application context starts (before listeners and the scheduler leader) with
 * {@link HonkerSchedules#declare}, in one transaction.
 *
 * <p>
 * Schedules on the file that the application does not declare are left alone: another
 * application or a Python process may own them. A schedule removed from the code or the
 * configuration therefore keeps firing until it is deleted with
 * {@link HonkerSchedules#unregister}; the startup log names the schedules this
 * application does not declare.
 */
public class ScheduleDeclarations implements SmartLifecycle {

	private static final LogAccessor LOG = new LogAccessor(ScheduleDeclarations.class);

	/** Attempts of the registration when another process holds the write lock. */
	private static final int ATTEMPTS = 5;

	private final Map<String, Declaration> declarations = new LinkedHashMap<>();

	private final HonkerSchedules schedules;

	private final TransactionOperations transaction;

	private volatile boolean running;

	/**
	 * Creates the declarations.
	 * @param schedules registers them
	 * @param transaction the transaction to register them in
	 */
	public ScheduleDeclarations(HonkerSchedules schedules, TransactionOperations transaction) {
		this.schedules = schedules;
		this.transaction = transaction;
	}

	/**
	 * Adds a declaration.
	 * @param schedule the schedule
	 * @param source where it is declared, for messages: a property prefix or a method
	 * @throws ScheduleConfigurationException if another declaration has the same name
	 */
	public synchronized void add(ScheduleDefinition schedule, String source) {
		Declaration existing = this.declarations.putIfAbsent(schedule.name(), new Declaration(schedule, source));
		if (existing != null) {
			throw new ScheduleConfigurationException("duplicate schedule name '" + schedule.name() + "' declared by "
					+ existing.source() + " and by " + source + "; give each schedule its own name", null);
		}
	}

	/**
	 * Every declaration, in the order added.
	 * @return the declarations
	 */
	public synchronized List<Declaration> list() {
		return List.copyOf(this.declarations.values());
	}

	/**
	 * Registers every declared schedule and logs what changed; retried a few times when
	 * another process starting at the same moment holds the write lock.
	 * @throws ScheduleConfigurationException if a schedule cannot be registered
	 */
	@Override
	public void start() {
		List<Declaration> all = list();
		if (!all.isEmpty()) {
			for (int attempt = 1;; attempt++) {
				try {
					registerAll(all);
					break;
				}
				catch (CannotAcquireLockException ex) {
					if (attempt == ATTEMPTS) {
						throw ex;
					}
					LockSupport.parkNanos(Duration.ofMillis(50L * attempt).toNanos());
				}
			}
		}
		this.running = true;
	}

	private void registerAll(List<Declaration> all) {
		Map<HonkerSchedules.Declared, List<String>> outcomes = new EnumMap<>(HonkerSchedules.Declared.class);
		Set<String> undeclared = new TreeSet<>();
		this.transaction.executeWithoutResult(status -> {
			for (Declaration declaration : all) {
				HonkerSchedules.Declared outcome;
				try {
					outcome = this.schedules.declare(declaration.schedule());
				}
				catch (HonkerFunctionException | HonkerPayloadException ex) {
					throw new ScheduleConfigurationException("cannot register schedule '"
							+ declaration.schedule().name() + "' of " + declaration.source() + ": " + ex.getMessage(),
							ex);
				}
				outcomes.computeIfAbsent(outcome, key -> new ArrayList<>()).add(declaration.schedule().name());
			}
			this.schedules.list().forEach(schedule -> undeclared.add(schedule.name()));
		});
		all.forEach(declaration -> undeclared.remove(declaration.schedule().name()));
		LOG.info(() -> "Honker schedules: " + outcomes
				+ (undeclared.isEmpty() ? "" : "; on the file but not declared here (left alone): " + undeclared));
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Before the listener containers and the scheduler leader. */
	@Override
	public int getPhase() {
		return HonkerListenerContainer.DEFAULT_PHASE - 100;
	}

	/**
	 * A declared schedule.
	 *
	 * @param schedule the schedule
	 * @param source where it is declared
	 */
	public record Declaration(ScheduleDefinition schedule, String source) {
	}

}
