package dev.honker.spring.listener;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.honker.spring.watch.DatabaseWatcher;
import org.jspecify.annotations.Nullable;

/**
 * Runs one job listener, a {@code @HonkerListener} method or a
 * {@link JobListenerEndpoint} registered in code, against its queue. Starts late and
 * stops early in the application context's lifecycle, so handlers only run while every
 * other bean is available. {@link #stop(Runnable)} stops claiming and waits for running
 * handlers up to the shutdown timeout; a job whose handler did not finish is never
 * acknowledged and runs again when its claim expires.
 *
 * <p>
 * Created by the {@link HonkerListenerContainerFactory}; a
 * {@link HonkerListenerContainerCustomizer} can change its phase, auto-startup and
 * handler executor before it starts.
 */
public class HonkerListenerContainer extends AbstractListenerContainer {

	private static final Log logger = LogFactory.getLog(HonkerListenerContainer.class);

	private static final String HOST_AND_PID = hostAndPid();

	private final ListenerSettings settings;

	private final JobStore store;

	private final JobInvoker invoker;

	private final DatabaseWatcher watcher;

	private final boolean virtualThreads;

	private volatile @Nullable Executor taskExecutor;

	private volatile @Nullable ClaimLoop loop;

	HonkerListenerContainer(ListenerSettings settings, String description, JobStore store, JobInvoker invoker,
			DatabaseWatcher watcher, @Nullable Executor taskExecutor, boolean virtualThreads) {
		super(settings.id(), description, settings.autoStartup());
		this.settings = settings;
		this.store = store;
		this.invoker = invoker;
		this.watcher = watcher;
		this.taskExecutor = taskExecutor;
		this.virtualThreads = virtualThreads;
	}

	/** The consumed queue. */
	public String getQueue() {
		return this.settings.queue();
	}

	/** The most jobs whose handlers run at the same time. */
	public int getConcurrency() {
		return this.settings.concurrency();
	}

	/**
	 * Runs the handlers of later starts on {@code taskExecutor} (shared, never shut down
	 * by the container) instead of threads of the container's own.
	 * @param taskExecutor the executor, or {@code null} for the container's own threads
	 */
	public void setTaskExecutor(@Nullable Executor taskExecutor) {
		this.taskExecutor = taskExecutor;
	}

	/**
	 * The worker id of the current run ({@code host:pid:listener-id:random}), if running.
	 */
	public Optional<String> getWorkerId() {
		ClaimLoop current = this.loop;
		return (current == null || !current.isRunning()) ? Optional.empty() : Optional.of(current.workerId());
	}

	/**
	 * The latest {@link VirtualMachineError} (such as an {@link OutOfMemoryError}) that
	 * one of this listener's handlers ended with since the application started. The job
	 * was settled as a failed attempt and the listener goes on, but the JVM may be
	 * damaged: health checks report it until the application restarts.
	 */
	public Optional<VirtualMachineError> getVirtualMachineError() {
		return this.invoker.lastVirtualMachineError();
	}

	/**
	 * Runs the queue's claimable jobs one by one in the calling thread, as the container
	 * would (payload conversion, interceptors, error handler, acknowledgement), until the
	 * queue has none left: for tests that want a listener's effects before their next
	 * line. A job that fails and is retried without delay runs again, up to its attempts.
	 * Stop or pause the container first, or its own threads take some of the jobs.
	 * @return the number of attempts run
	 * @throws SQLException if claiming or acknowledging fails
	 */
	public int runPending() throws SQLException {
		String workerId = HOST_AND_PID + ":" + getId() + ":calling-thread";
		int attempts = 0;
		for (List<ClaimedJob> claimed = claimOne(workerId); !claimed.isEmpty(); claimed = claimOne(workerId)) {
			ClaimedJob job = claimed.get(0);
			if (this.invoker.run(job, () -> false, () -> {
			})) {
				this.store.ack(job.id(), workerId);
			}
			attempts++;
		}
		return attempts;
	}

	private List<ClaimedJob> claimOne(String workerId) throws SQLException {
		return this.store.ackAndClaim(getQueue(), workerId, List.of(), 1, this.settings.visibilitySeconds(), false)
			.jobs();
	}

	@Override
	protected Run startRun() {
		String workerId = HOST_AND_PID + ":" + getId() + ":"
				+ HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
		HandlerThreads handlers = HandlerThreads.open(getId(), getConcurrency(), this.taskExecutor,
				this.virtualThreads);
		ClaimLoop started = new ClaimLoop(this.settings, workerId, this.store, this.invoker, this.watcher.subscribe(),
				handlers, this::isPaused, this::runFailed);
		started.start();
		this.loop = started;
		if (logger.isDebugEnabled()) {
			logger.debug("listener '" + getId() + "' started on queue '" + getQueue() + "' as " + workerId);
		}
		return started;
	}

	private static String hostAndPid() {
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			host = "localhost";
		}
		return host + ":" + ProcessHandle.current().pid();
	}

	@Override
	public String toString() {
		return "'" + getId() + "' on queue '" + getQueue() + "' x" + getConcurrency();
	}

}
