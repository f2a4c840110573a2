package dev.honker.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time of processes from {@code /proc/<pid>/stat} (Linux), in clock ticks of 10 ms:
 * user plus system time, and optionally the time of the children the process has
 * already reaped (how a PostgreSQL server keeps the CPU of its ended backends); and the
 * CPU time of this JVM's own threads.
 */
final class ProcessCpu {

	private static final long TICK_NANOS = 10_000_000;

	private ProcessCpu() {
	}

	/**
	 * The CPU time of a process tree: the root's own and reaped children's, plus each
	 * live descendant's own and reaped children's.
	 */
	static long treeNanos(ProcessHandle root) {
		long nanos = nanos(root.pid(), true);
		for (ProcessHandle descendant : root.descendants().toList()) {
			nanos += nanos(descendant.pid(), true);
		}
		return nanos;
	}

	/** A process's CPU time; 0 once it has ended. */
	static long nanos(long pid, boolean withReapedChildren) {
		String stat;
		try {
			stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
		}
		catch (NoSuchFileException ex) {
			return 0;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
		if (withReapedChildren) {
			ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
		}
		return ticks * TICK_NANOS;
	}

	/** The CPU time of each live thread of this JVM, by thread id. */
	static Map<Long, Long> threadsOfThisJvm() {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		Map<Long, Long> nanos = new HashMap<>();
		for (long id : threads.getAllThreadIds()) {
			long time = threads.getThreadCpuTime(id);
			if (time >= 0) {
				nanos.put(id, time);
			}
		}
		return nanos;
	}

}
