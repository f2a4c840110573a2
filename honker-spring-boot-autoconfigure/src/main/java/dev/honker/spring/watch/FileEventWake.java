package dev.honker.spring.watch;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Wakes the watcher when the database, its {@code -wal} or its {@code -journal} changes,
 * through the JDK's {@code WatchService} on the database's directory (inotify on Linux):
 * the directory is watched, so no file of the database is ever opened.
 *
 * <p>
 * A file event comes when the writer writes, which can be a moment before the commit is
 * visible (in WAL mode the wal-index in {@code -shm}, a memory mapping that raises no
 * event, is updated after the frames are written; in rollback modes the writer still
 * holds its lock). So after each event the watcher stays alert for a short window,
 * reading {@code data_version} every poll interval, and otherwise reads it every safety
 * poll interval (or identity-check interval, if shorter). Events about other files of the
 * directory end no wait.
 */
final class FileEventWake implements WakeSource {

	private static final Log logger = LogFactory.getLog(FileEventWake.class);

	static final long ALERT_WINDOW_MILLIS = 20;

	static final long PENDING_LIMIT_MILLIS = 1000;

	private static final long ALERT_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(ALERT_WINDOW_MILLIS);

	private static final long PENDING_LIMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(PENDING_LIMIT_MILLIS);

	/**
	 * Mount types whose files other machines or a host can change without a local kernel
	 * event (prefixes, so that {@code nfs4}, {@code fuse.sshfs}, ... match).
	 */
	private static final Set<String> REMOTE_FILE_SYSTEMS = Set.of("nfs", "cifs", "smb", "9p", "afs", "ceph", "gluster",
			"lustre", "gfs", "ocfs", "fuse.", "virtiofs", "vboxsf", "vmhgfs", "davfs");

	private final WatchService service;

	private final Path databaseName;

	private final Set<Path> watchedNames;

	private final long pollNanos;

	private final long safetyNanos;

	private final String description;

	private long alertUntil;

	private boolean pending;

	private long pendingUntil;

	private volatile boolean lost;

	private FileEventWake(WatchService service, Path file, WatcherOptions options) {
		this.service = service;
		this.databaseName = file.getFileName();
		this.watchedNames = Set.of(this.databaseName, Path.of(this.databaseName + "-wal"),
				Path.of(this.databaseName + "-journal"));
		this.pollNanos = options.pollInterval().toNanos();
		this.alertUntil = System.nanoTime();
		this.pendingUntil = this.alertUntil;
		this.safetyNanos = Math.min(options.safetyPollInterval().toNanos(), options.identityCheckInterval().toNanos());
		this.description = "reads PRAGMA data_version on each file event in " + file.getParent() + " ("
				+ service.getClass().getSimpleName() + "), then every "
				+ WatcherOptions.describe(options.pollInterval()) + " until the commit shows, and every "
				+ WatcherOptions.describe(options.safetyPollInterval()) + " as a safety poll";
	}

	/**
	 * Watches the directory of {@code file}.
	 * @throws Unavailable if file events cannot be trusted here, saying why
	 */
	static FileEventWake open(Path file, WatcherOptions options) throws Unavailable {
		String type = fileSystemType(file);
		if (isRemote(type)) {
			throw new Unavailable("the database is on a " + type + " file system, whose changes by other machines"
					+ " raise no local file events");
		}
		WatchService service;
		try {
			service = file.getFileSystem().newWatchService();
		}
		catch (IOException ex) {
			throw new Unavailable("the JDK cannot create a WatchService: " + ex.getMessage());
		}
		if (service.getClass().getSimpleName().startsWith("Polling")) {
			close(service);
			throw new Unavailable("the JDK's WatchService polls the directory on this platform instead of"
					+ " receiving events from the kernel");
		}
		try {
			file.getParent()
				.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
						StandardWatchEventKinds.ENTRY_MODIFY);
		}
		catch (IOException ex) {
			close(service);
			throw new Unavailable("cannot watch " + file.getParent() + ": " + ex);
		}
		return new FileEventWake(service, file, options);
	}

	@Override
	public FileActivity await(ReadOutcome last) throws InterruptedException {
		long now = System.nanoTime();
		if (this.lost) {
			LockSupport.parkNanos(this, this.pollNanos);
			return FileActivity.NONE;
		}
		if (last == ReadOutcome.CHANGED || now - this.pendingUntil >= 0) {
			this.pending = false;
		}
		boolean alert = last == ReadOutcome.RETRY || this.pending || now - this.alertUntil < 0;
		long deadline = now + (alert ? this.pollNanos : this.safetyNanos);
		try {
			for (long left = deadline - now; left > 0; left = deadline - System.nanoTime()) {
				WatchKey key = this.service.poll(left, TimeUnit.NANOSECONDS);
				if (key == null) {
					break;
				}
				FileActivity activity = drain(key);
				if (activity != FileActivity.NONE) {
					long seen = System.nanoTime();
					this.alertUntil = seen + ALERT_WINDOW_NANOS;
					this.pending = true;
					this.pendingUntil = seen + PENDING_LIMIT_NANOS;
					return activity;
				}
			}
		}
		catch (ClosedWatchServiceException ex) {
			// closed by stop(): the watcher's loop ends
		}
		return FileActivity.NONE;
	}

	/** Takes the key's events and re-arms it before the caller reads data_version. */
	private FileActivity drain(WatchKey key) {
		FileActivity activity = FileActivity.NONE;
		for (WatchEvent<?> event : key.pollEvents()) {
			if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
				activity = FileActivity.RENAMED;
			}
			else if (this.watchedNames.contains(event.context())) {
				boolean renamed = event.kind() != StandardWatchEventKinds.ENTRY_MODIFY
						&& this.databaseName.equals(event.context());
				if (renamed) {
					activity = FileActivity.RENAMED;
				}
				else if (activity == FileActivity.NONE) {
					activity = FileActivity.WRITTEN;
				}
			}
		}
		if (!key.reset()) {
			this.lost = true;
			logger.warn("honker: the directory of the database can no longer be watched (removed or"
					+ " renamed); the commit watcher reads PRAGMA data_version every poll interval from now on");
			return FileActivity.RENAMED;
		}
		return activity;
	}

	@Override
	public WatcherMode mode() {
		return WatcherMode.EVENTS;
	}

	@Override
	public String describe() {
		return this.description;
	}

	@Override
	public void close() {
		close(this.service);
	}

	private static String fileSystemType(Path file) throws Unavailable {
		try {
			return Files.getFileStore(file).type();
		}
		catch (IOException ex) {
			throw new Unavailable("cannot tell the database's file system: " + ex);
		}
	}

	/** Whether a file system of this mount type can change without local events. */
	static boolean isRemote(String type) {
		String lower = type.toLowerCase(Locale.ROOT);
		return REMOTE_FILE_SYSTEMS.stream().anyMatch(lower::startsWith);
	}

	private static void close(WatchService service) {
		try {
			service.close();
		}
		catch (IOException ex) {
			logger.debug("honker: closing the WatchService failed", ex);
		}
	}

	/** File events cannot be trusted for this database; the message says why. */
	static final class Unavailable extends Exception {

		private static final long serialVersionUID = 1L;

		Unavailable(String reason) {
			super(reason);
		}

	}

}
