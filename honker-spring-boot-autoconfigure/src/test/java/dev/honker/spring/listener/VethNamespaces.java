package dev.honker.spring.listener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces for worker JVMs: each one is a "host" of its own, with its own
 * loopback interface, joined to this JVM's namespace by a veth pair. Namespace {@code i}
 * has the address {@code 198.18.0.(4i+2)}, the host end of its pair
 * {@code 198.18.0.(4i+1)} (a /30 each, in the range set aside for network tests, RFC
 * 2544); a program runs in it behind {@link #command(int)}
 * ({@code ip netns exec <name>}).
 *
 * <p>
 * Creating namespaces needs root (CAP_NET_ADMIN) and iproute2's {@code ip}; without them
 * {@link #create(int)} fails with the command's error and the package to install. It
 * never skips.
 *
 * <p>
 * One set exists on the machine at a time, whatever the JVM: {@link #create(int)} first
 * takes a lock file (which the kernel releases when its JVM dies, even by
 * {@code kill -9}), then deletes whatever a killed JVM left behind (namespaces named
 * {@value #NAMESPACE_PREFIX}..., links named {@value #LINK_PREFIX}...), then creates its
 * own, named after this JVM's pid. {@link #close()} deletes them (deleting a namespace
 * deletes its veth pair) and releases the lock; it also runs when creation fails midway.
 */
final class VethNamespaces implements AutoCloseable {

	private static final String NAMESPACE_PREFIX = "honker-netns-";

	private static final String LINK_PREFIX = "hkv";

	private static final Path LOCK = Path.of(System.getProperty("java.io.tmpdir"), "honker-netns.lock");

	private final FileChannel lockFile;

	private final FileLock lock;

	private final List<String> namespaces = new ArrayList<>();

	private VethNamespaces(FileChannel lockFile, FileLock lock) {
		this.lockFile = lockFile;
		this.lock = lock;
	}

	/**
	 * Creates the namespaces, waiting first for another JVM's to be closed.
	 * @param count how many
	 * @return the namespaces, each with its loopback and its end of the veth pair up
	 * @throws IllegalStateException if an {@code ip} command fails
	 */
	static VethNamespaces create(int count) {
		VethNamespaces created = lock();
		try {
			sweep();
			long pid = ProcessHandle.current().pid();
			for (int i = 0; i < count; i++) {
				String namespace = NAMESPACE_PREFIX + pid + "-" + i;
				String hostEnd = LINK_PREFIX + pid + "h" + i;
				String namespaceEnd = LINK_PREFIX + pid + "n" + i;
				ip("netns", "add", namespace);
				created.namespaces.add(namespace);
				ip("link", "add", hostEnd, "type", "veth", "peer", "name", namespaceEnd);
				ip("link", "set", namespaceEnd, "netns", namespace);
				ip("addr", "add", created.hostAddress(i) + "/30", "dev", hostEnd);
				ip("link", "set", hostEnd, "up");
				ip("netns", "exec", namespace, "ip", "addr", "add", created.namespaceAddress(i) + "/30", "dev",
						namespaceEnd);
				ip("netns", "exec", namespace, "ip", "link", "set", namespaceEnd, "up");
				ip("netns", "exec", namespace, "ip", "link", "set", "lo", "up");
			}
			return created;
		}
		catch (RuntimeException ex) {
			created.close();
			throw ex;
		}
	}

	/** The address of this host's end of namespace {@code index}'s veth pair. */
	String hostAddress(int index) {
		return "198.18.0." + (4 * index + 1);
	}

	/** The address of namespace {@code index} on its veth pair. */
	String namespaceAddress(int index) {
		return "198.18.0." + (4 * index + 2);
	}

	/** The command prefix that runs a program in namespace {@code index}. */
	List<String> command(int index) {
		return List.of("ip", "netns", "exec", this.namespaces.get(index));
	}

	/** Deletes the namespaces and their veth pairs, and releases the lock. */
	@Override
	public void close() {
		try {
			sweep();
		}
		finally {
			try {
				this.lock.release();
				this.lockFile.close();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

	private static VethNamespaces lock() {
		try {
			FileChannel file = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
			return new VethNamespaces(file, file.lock());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot lock " + LOCK, ex);
		}
	}

	/**
	 * Deletes every namespace and link of ours: with the lock held, any there are were
	 * left by a JVM that died, or are this one's.
	 */
	private static void sweep() {
		for (String line : ip("netns", "list").lines().toList()) {
			String namespace = line.split(" ", 2)[0];
			if (namespace.startsWith(NAMESPACE_PREFIX)) {
				ip("netns", "delete", namespace);
			}
		}
		for (String line : ip("-o", "link", "show").lines().toList()) {
			String[] fields = line.split(": ", 3);
			String link = (fields.length > 1) ? fields[1].split("@", 2)[0] : "";
			if (link.startsWith(LINK_PREFIX)) {
				deleteLink(link);
			}
		}
	}

	/**
	 * Deletes a link, unless it went first: the kernel removes a veth pair by itself,
	 * asynchronously, once the namespace of one end is gone.
	 */
	private static void deleteLink(String link) {
		try {
			ip("link", "delete", link);
		}
		catch (IllegalStateException ex) {
			if (run("ip", "link", "show", link).exitCode() == 0) {
				throw ex;
			}
		}
	}

	/** Runs {@code ip} with these arguments and returns its output. */
	private static String ip(String... arguments) {
		List<String> command = new ArrayList<>(List.of("ip"));
		command.addAll(List.of(arguments));
		Outcome outcome = run(command.toArray(String[]::new));
		if (outcome.exitCode() != 0) {
			throw new IllegalStateException(failure(command, outcome.output().strip()));
		}
		return outcome.output();
	}

	private static Outcome run(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				return new Outcome(-1, output + " (still running after 60 s)");
			}
			return new Outcome(process.exitValue(), output);
		}
		catch (IOException ex) {
			throw new IllegalStateException(failure(List.of(command), ex.getMessage()), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while running " + String.join(" ", command), ex);
		}
	}

	/** What a command printed, and how it exited. */
	private record Outcome(int exitCode, String output) {
	}

	private static String failure(List<String> command, String error) {
		return "'" + String.join(" ", command) + "' failed: " + error + ". Network namespaces need root"
				+ " (CAP_NET_ADMIN) and iproute2's ip (apt-get install iproute2; .ci/run does)";
	}

}
