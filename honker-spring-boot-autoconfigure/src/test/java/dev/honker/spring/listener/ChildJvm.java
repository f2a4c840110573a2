package dev.honker.spring.listener;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A second JVM running a main class of the test classpath; its output goes to a log file.
 * Close it (in a finally block or try-with-resources) to make sure it never outlives the
 * test.
 */
public final class ChildJvm implements AutoCloseable {

	private final Process process;

	private final Path log;

	private ChildJvm(Process process, Path log) {
		this.process = process;
		this.log = log;
	}

	/** Starts {@code main} with {@code args}, writing its output to {@code log}. */
	public static ChildJvm start(Path log, Class<?> main, String... args) throws IOException {
		return start(log, Map.of(), main, args);
	}

	/**
	 * Starts {@code main} with {@code args} and extra environment variables (for example
	 * {@code TZ}), writing its output to {@code log}.
	 */
	public static ChildJvm start(Path log, Map<String, String> environment, Class<?> main, String... args)
			throws IOException {
		ProcessBuilder builder = new ProcessBuilder(command(main, args));
		builder.environment().putAll(environment);
		builder.redirectErrorStream(true);
		builder.redirectOutput(log.toFile());
		return new ChildJvm(builder.start(), log);
	}

	/**
	 * Starts {@code main} with {@code args} behind a command prefix, such as
	 * {@code ip netns exec <namespace>} (which then runs the JVM in place of itself),
	 * writing its output to {@code log}.
	 */
	public static ChildJvm startBehind(List<String> prefix, Path log, Class<?> main, String... args)
			throws IOException {
		List<String> command = new ArrayList<>(prefix);
		command.addAll(command(main, args));
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.redirectErrorStream(true);
		builder.redirectOutput(log.toFile());
		return new ChildJvm(builder.start(), log);
	}

	/**
	 * Starts {@code main} with {@code args}, its output readable line by line through
	 * {@link #lines()}.
	 */
	public static ChildJvm startPiped(Class<?> main, String... args) throws IOException {
		ProcessBuilder builder = new ProcessBuilder(command(main, args));
		builder.redirectError(ProcessBuilder.Redirect.INHERIT);
		return new ChildJvm(builder.start(), null);
	}

	private static List<String> command(Class<?> main, String... args) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-cp");
		command.add(classpath());
		command.add(main.getName());
		command.addAll(List.of(args));
		return command;
	}

	/**
	 * This JVM's application classpath: the URLs of the context class loader when it has
	 * them (as under {@code exec:java}, whose own {@code java.class.path} is Maven's),
	 * else {@code java.class.path}.
	 */
	private static String classpath() {
		if (Thread.currentThread().getContextClassLoader() instanceof URLClassLoader loader
				&& loader.getURLs().length > 0) {
			return Arrays.stream(loader.getURLs()).map(ChildJvm::path).collect(Collectors.joining(File.pathSeparator));
		}
		return System.getProperty("java.class.path");
	}

	private static String path(URL url) {
		try {
			return Path.of(url.toURI()).toString();
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException("classpath entry " + url + " is not a file", ex);
		}
	}

	/** The child's standard output, for {@link #startPiped}. */
	public BufferedReader lines() {
		return new BufferedReader(new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8));
	}

	/** The child's process handle. */
	public ProcessHandle handle() {
		return this.process.toHandle();
	}

	/** Waits for the child to exit and returns its exit code. */
	public int waitFor(long seconds) throws InterruptedException {
		if (!this.process.waitFor(seconds, TimeUnit.SECONDS)) {
			throw new IllegalStateException("child JVM still running after " + seconds + "s; log: " + this.log);
		}
		return this.process.exitValue();
	}

	/**
	 * Asks the child to shut down, like {@code kill} (SIGTERM: Spring closes its
	 * context), and waits for it to be gone.
	 */
	public void terminate() throws InterruptedException {
		this.process.destroy();
		waitFor(60);
	}

	/** Kills the child at once, like {@code kill -9}, and waits for it to be gone. */
	public void kill() {
		this.process.destroyForcibly();
		try {
			this.process.waitFor(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Kills the child if it still runs. */
	@Override
	public void close() {
		if (this.process.isAlive()) {
			kill();
		}
	}

	@Override
	public String toString() {
		return "ChildJvm[pid=" + this.process.pid() + ", log=" + this.log + "]";
	}

}
