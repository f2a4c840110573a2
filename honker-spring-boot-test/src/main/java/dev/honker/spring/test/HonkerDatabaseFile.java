package dev.honker.spring.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A fresh SQLite database file in a temporary directory of its own; the file does not
 * exist until something opens it. {@link #delete()} removes the directory with the file
 * and its {@code -wal} and {@code -shm} companions.
 *
 * @param file the database file
 */
public record HonkerDatabaseFile(Path file) {

	/**
	 * Creates a new temporary directory and names the database file in it.
	 * @return the database file
	 */
	public static HonkerDatabaseFile create() {
		try {
			return new HonkerDatabaseFile(Files.createTempDirectory("honker-test-").resolve("test.db"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create a temporary directory for the test database", ex);
		}
	}

	/** The JDBC URL of the file: {@code jdbc:sqlite:/tmp/honker-test-.../test.db}. */
	public String url() {
		return "jdbc:sqlite:" + this.file;
	}

	/**
	 * The property that points a Spring Boot application at the file, for
	 * {@code withPropertyValues(...)}: {@code spring.datasource.url=jdbc:sqlite:...}.
	 */
	public String urlProperty() {
		return "spring.datasource.url=" + url();
	}

	/**
	 * Deletes the directory, the database file and SQLite's companion files when the JVM
	 * exits, after shutdown hooks (such as the ones closing Spring contexts) have run.
	 */
	public void deleteOnExit() {
		this.file.getParent().toFile().deleteOnExit();
		for (String suffix : new String[] { "", "-journal", "-wal", "-shm" }) {
			this.file.resolveSibling(this.file.getFileName() + suffix).toFile().deleteOnExit();
		}
	}

	/** Deletes the temporary directory and everything in it. */
	public void delete() {
		Path directory = this.file.getParent();
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot delete the test database directory " + directory, ex);
		}
	}

}
