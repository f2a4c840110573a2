package dev.honker.spring.boot.autoconfigure.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A size-limited tmpfs file system mounted on a directory (needs root, which CI has), to
 * fill up or switch to read-only under a running application.
 */
final class TmpfsMount implements AutoCloseable {

	private final Path directory;

	private TmpfsMount(Path directory) {
		this.directory = directory;
	}

	/**
	 * Mounts a tmpfs of {@code sizeBytes} on {@code directory}.
	 * @throws IOException naming the command and its output when the mount fails
	 */
	static TmpfsMount mount(Path directory, long sizeBytes) throws IOException {
		Files.createDirectories(directory);
		run("mount", "-t", "tmpfs", "-o", "size=" + sizeBytes, "tmpfs", directory.toString());
		return new TmpfsMount(directory);
	}

	Path directory() {
		return this.directory;
	}

	void remountReadOnly() throws IOException {
		run("mount", "-o", "remount,ro", this.directory.toString());
	}

	void remountWritable() throws IOException {
		run("mount", "-o", "remount,rw", this.directory.toString());
	}

	@Override
	public void close() throws IOException {
		run("umount", "-l", this.directory.toString());
	}

	private static void run(String... command) throws IOException {
		Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
		try {
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IOException(String.join(" ", command) + " did not finish in 30 s");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted: " + String.join(" ", command), ex);
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
		if (process.exitValue() != 0) {
			throw new IOException(
					String.join(" ", command) + " failed with exit code " + process.exitValue() + ": " + output);
		}
	}

	/**
	 * Fills the file system with files of 64 KiB until a write fails for lack of space.
	 * @return the filler files, to delete when space must come back
	 */
	static List<Path> fill(Path directory) throws IOException {
		List<Path> files = new ArrayList<>();
		byte[] block = new byte[64 * 1024];
		for (int i = 0;; i++) {
			Path file = directory.resolve("filler-" + i);
			try {
				Files.write(file, block);
				files.add(file);
			}
			catch (IOException full) {
				Files.deleteIfExists(file);
				return files;
			}
		}
	}

}
