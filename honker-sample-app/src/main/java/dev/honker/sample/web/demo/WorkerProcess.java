package dev.honker.sample.web.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.honker.sample.worker.WorkerApplication;

/**
 * The worker app, started as a second operating-system process on the same database file.
 * Its output is echoed with a {@code worker |} prefix. It stops when this process stops,
 * even if this process is killed.
 */
final class WorkerProcess implements AutoCloseable {

	private final Process process;

	private final CountDownLatch ready = new CountDownLatch(1);

	private volatile String actuatorUrl;

	private WorkerProcess(Process process) {
		this.process = process;
		Thread echo = new Thread(this::echoOutput, "worker-output");
		echo.setDaemon(true);
		echo.start();
	}

	/**
	 * Starts the worker app with this JVM's classpath on the given database file.
	 * @param managementPort the port of the worker's Actuator, 0 for any free one
	 */
	static WorkerProcess start(Path dbFile, int managementPort) throws IOException {
		return start(managementPort, List.of("--sample.db-file=" + dbFile.toAbsolutePath()));
	}

	/**
	 * Starts the worker app with this JVM's classpath and the given arguments, such as
	 * the database's properties.
	 * @param managementPort the port of the worker's Actuator, 0 for any free one
	 * @param arguments the worker app's arguments, such as
	 * {@code --spring.profiles.active=postgres}
	 */
	static WorkerProcess start(int managementPort, List<String> arguments) throws IOException {
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
				WorkerApplication.class.getName(), "--sample.parent-pid=" + ProcessHandle.current().pid(),
				"--sample.worker-management-port=" + managementPort));
		command.addAll(arguments);
		return new WorkerProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
	}

	/**
	 * Waits until the worker's listeners are running; false if it exited or the timeout
	 * passed first.
	 */
	boolean awaitReady(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (process.isAlive() && System.nanoTime() < deadline) {
			if (ready.await(100, TimeUnit.MILLISECONDS)) {
				return true;
			}
		}
		return ready.getCount() == 0;
	}

	long pid() {
		return process.pid();
	}

	/** The worker's Actuator base URL, once it is ready. */
	String actuatorUrl() {
		return actuatorUrl;
	}

	/** Asks the worker to shut down gracefully (SIGTERM) and waits for it to exit. */
	@Override
	public void close() throws InterruptedException {
		process.destroy();
		if (!process.waitFor(45, TimeUnit.SECONDS)) {
			process.destroyForcibly().waitFor();
		}
	}

	/** {@link #close()} for a shutdown hook. */
	void closeQuietly() {
		try {
			close();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	private void echoOutput() {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = lines.readLine()) != null) {
				if (line.contains(WorkerApplication.READY_LINE)) {
					actuatorUrl = line.substring(line.indexOf(WorkerApplication.ACTUATOR_PREFIX));
					ready.countDown();
				}
				System.out.println("worker | " + line);
			}
		}
		catch (IOException e) {
			System.out.println("worker | (output closed: " + e.getMessage() + ")");
		}
	}

}
