package dev.honker.sqlite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assertions;

/**
 * Builds a tiny native SQLite extension with gcc, for tests of the native-extension mode.
 *
 * <p>
 * Its entry point is {@value NativeExtension#DEFAULT_ENTRY_POINT}, like Honker's
 * {@code libhonker_ext}. It registers {@code honker_native_probe()}, which returns the
 * text {@code 'native'}, and a no-op {@code honker_bootstrap()} returning 1. It is linked
 * without {@code -lsqlite3}: the extension uses the API routines SQLite hands to its
 * entry point.
 */
public final class TestExtension {

	/** The C source of the extension. */
	public static final String SOURCE = """
			#include <sqlite3ext.h>
			SQLITE_EXTENSION_INIT1

			static void native_probe(sqlite3_context *context, int argc, sqlite3_value **argv) {
			    (void) argc;
			    (void) argv;
			    sqlite3_result_text(context, "native", -1, SQLITE_STATIC);
			}

			static void bootstrap(sqlite3_context *context, int argc, sqlite3_value **argv) {
			    (void) argc;
			    (void) argv;
			    sqlite3_result_int(context, 1);
			}

			int sqlite3_honkerext_init(sqlite3 *db, char **error, const sqlite3_api_routines *api) {
			    (void) error;
			    SQLITE_EXTENSION_INIT2(api);
			    int rc = sqlite3_create_function(db, "honker_native_probe", 0, SQLITE_UTF8, 0, native_probe, 0, 0);
			    if (rc == SQLITE_OK) {
			        rc = sqlite3_create_function(db, "honker_bootstrap", 0, SQLITE_UTF8, 0, bootstrap, 0, 0);
			    }
			    return rc;
			}
			""";

	private static final long COMPILE_TIMEOUT_SECONDS = 120;

	private static volatile String unavailableReason;

	private static volatile boolean probed;

	private TestExtension() {
	}

	/**
	 * Compiles the extension into {@code directory}.
	 * @return the shared library file
	 * @throws IllegalStateException if gcc or {@code sqlite3ext.h} is missing or the
	 * compilation fails
	 */
	public static Path build(Path directory) throws IOException, InterruptedException {
		Path source = directory.resolve("honker_probe.c");
		Path library = directory.resolve(System.mapLibraryName("honker_probe"));
		Files.writeString(source, SOURCE, StandardCharsets.UTF_8);
		List<String> command = List.of("gcc", "-shared", "-fPIC", "-O1", "-o", library.toString(), source.toString());
		Process process;
		try {
			process = new ProcessBuilder(command).redirectErrorStream(true).start();
		}
		catch (IOException e) {
			throw new IllegalStateException("gcc is not available on PATH: " + e.getMessage(), e);
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(COMPILE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException("gcc did not finish within " + COMPILE_TIMEOUT_SECONDS + " s");
		}
		if (process.exitValue() != 0) {
			if (output.contains("sqlite3ext.h")) {
				throw new IllegalStateException(
						"sqlite3ext.h is missing (install it with: apt-get install -y libsqlite3-dev): "
								+ output.strip());
			}
			throw new IllegalStateException("gcc failed (" + String.join(" ", command) + "): " + output.strip());
		}
		return library;
	}

	/** Why the extension cannot be built on this machine, or {@code null} if it can. */
	public static String unavailableReason() {
		if (!probed) {
			synchronized (TestExtension.class) {
				if (!probed) {
					unavailableReason = probe();
					probed = true;
				}
			}
		}
		return unavailableReason;
	}

	/**
	 * Fails the calling test with the reason unless gcc and {@code sqlite3ext.h} are
	 * available (Debian's gcc and libsqlite3-dev; {@code .ci/run} installs them).
	 */
	public static void requireAvailable() {
		String reason = unavailableReason();
		if (reason != null) {
			Assertions.fail("The native-extension tests build a C extension: " + reason
					+ "; install Debian's gcc and libsqlite3-dev packages (.ci/run does)");
		}
	}

	private static String probe() {
		Path directory = null;
		try {
			directory = Files.createTempDirectory("honker-ext-probe");
			build(directory);
			return null;
		}
		catch (IllegalStateException | IOException e) {
			return e.getMessage();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return "interrupted while compiling the test extension";
		}
		finally {
			deleteQuietly(directory);
		}
	}

	private static void deleteQuietly(Path directory) {
		if (directory == null) {
			return;
		}
		try (var files = Files.list(directory)) {
			for (Path file : (Iterable<Path>) files::iterator) {
				Files.deleteIfExists(file);
			}
			Files.deleteIfExists(directory);
		}
		catch (IOException e) {
			// A leftover temp directory does no harm.
		}
	}

}
