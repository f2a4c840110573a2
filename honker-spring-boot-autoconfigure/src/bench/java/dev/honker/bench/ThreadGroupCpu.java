package dev.honker.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * CPU time of another JVM's threads by group, from {@code /proc/<pid>/task/<tid>/comm}
 * (the thread's name, cut to 15 characters) and {@code schedstat} (its time on a CPU, in
 * nanoseconds) on Linux: Honker's threads (the watcher, the background checkpoint, the
 * listener's claim thread, the other {@code honker-} threads such as the heartbeat scan
 * and the handler threads), Hikari's housekeeper, and the JVM's own (JIT compilers, GC,
 * the rest). A thread that ends between two snapshots is left out.
 */
final class ThreadGroupCpu {

	/** The groups in print order, each with the name prefixes of its threads. */
	private static final List<Group> GROUPS = List.of(new Group("Honker watcher", "honker-watcher"),
			new Group("Honker checkpoint", "honker-checkpoi"), new Group("Honker claim thread", "honker-listener"),
			new Group("Honker other", "honker-"), new Group("Hikari", "HikariPool"),
			new Group("JIT", "C1 Compiler", "C2 Compiler"), new Group("GC", "G1 ", "GC Thread", "G1"),
			new Group("JVM other", ""));

	private ThreadGroupCpu() {
	}

	/** The group names, in print order. */
	static List<String> groups() {
		return GROUPS.stream().map(Group::name).toList();
	}

	/** Each live thread's name and CPU time so far, by thread id. */
	static Map<String, Sample> snapshot(long pid) throws IOException {
		Map<String, Sample> threads = new HashMap<>();
		try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
			for (Path task : tasks) {
				try {
					String name = Files.readString(task.resolve("comm")).strip();
					long nanos = Long.parseLong(Files.readString(task.resolve("schedstat")).split(" ")[0]);
					threads.put(task.getFileName().toString(), new Sample(name, nanos));
				}
				catch (NoSuchFileException ex) {
					// the thread ended
				}
			}
		}
		return threads;
	}

	/**
	 * The CPU time each group used between two snapshots, as a share of one core over
	 * {@code elapsedNanos}, in percent; by group name in print order.
	 */
	static Map<String, Double> percentByGroup(Map<String, Sample> before, Map<String, Sample> after,
			long elapsedNanos) {
		Map<String, Double> percent = new LinkedHashMap<>();
		GROUPS.forEach((group) -> percent.put(group.name(), 0.0));
		after.forEach((thread, sample) -> {
			Sample earlier = before.get(thread);
			long used = sample.nanos() - ((earlier != null) ? earlier.nanos() : 0);
			percent.merge(groupOf(sample.name()).name(), 100.0 * used / elapsedNanos, Double::sum);
		});
		return percent;
	}

	/** One line: each group's share, and their sum. */
	static String describe(Map<String, Double> percent) {
		StringBuilder line = new StringBuilder();
		percent.forEach((group, share) -> line.append(String.format(Locale.ROOT, "%s %.3f%%, ", group, share)));
		double sum = percent.values().stream().mapToDouble(Double::doubleValue).sum();
		return line.append(String.format(Locale.ROOT, "sum %.3f%%", sum)).toString();
	}

	private static Group groupOf(String threadName) {
		for (Group group : GROUPS) {
			for (String prefix : group.prefixes()) {
				if (threadName.startsWith(prefix)) {
					return group;
				}
			}
		}
		throw new IllegalStateException("the last group takes every thread");
	}

	/** A thread's name and CPU time. */
	record Sample(String name, long nanos) {
	}

	private record Group(String name, String... prefixes) {
	}

}
