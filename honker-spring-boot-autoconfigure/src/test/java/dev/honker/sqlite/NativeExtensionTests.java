package dev.honker.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading a real native extension, built with gcc, and keeping SQL-level loading switched
 * off.
 */
class NativeExtensionTests {

	@TempDir
	static Path buildDirectory;

	static Path library;

	@TempDir
	Path directory;

	@BeforeAll
	static void buildExtension() throws Exception {
		if (TestExtension.unavailableReason() == null) {
			library = TestExtension.build(buildDirectory);
		}
	}

	@BeforeEach
	void requireCompiler() {
		TestExtension.requireAvailable();
	}

	@Test
	void loadedExtensionFunctionsAreCallable() throws Exception {
		try (Connection connection = open()) {
			NativeExtension.load(connection, library);

			assertThat(TestDatabase.queryString(connection, "SELECT honker_native_probe()")).isEqualTo("native");
			assertThat(TestDatabase.queryLong(connection, "SELECT honker_bootstrap()")).isEqualTo(1);
		}
	}

	@Test
	void sqlLoadExtensionIsNotAuthorizedBeforeOrAfterALoad() throws Exception {
		try (Connection connection = open()) {
			assertSqlLoadingRefused(connection);

			NativeExtension.load(connection, library, NativeExtension.DEFAULT_ENTRY_POINT);

			assertSqlLoadingRefused(connection);
		}
	}

	@Test
	void loadsThroughAPoolProxy() throws Exception {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl("jdbc:sqlite:" + directory.resolve("pooled.db"));
		config.setMaximumPoolSize(1);
		try (HikariDataSource pool = new HikariDataSource(config); Connection connection = pool.getConnection()) {
			NativeExtension.load(connection, library);

			assertThat(TestDatabase.queryString(connection, "SELECT honker_native_probe()")).isEqualTo("native");
			assertSqlLoadingRefused(connection);
		}
	}

	@Test
	void missingFileIsAClearError() throws Exception {
		Path missing = directory.resolve("no-such-honker.so");
		try (Connection connection = open()) {
			assertThatThrownBy(() -> NativeExtension.load(connection, missing))
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("not found")
				.hasMessageContaining(missing.toAbsolutePath().toString());
			assertSqlLoadingRefused(connection);
		}
	}

	@Test
	void garbageFileFailsWithThePathAndSqliteReasonAndLeavesLoadingOff() throws Exception {
		Path garbage = directory.resolve("garbage.so");
		Files.writeString(garbage, "this is not a shared library");
		try (Connection connection = open()) {
			assertThatThrownBy(() -> NativeExtension.load(connection, garbage)).isInstanceOf(SQLException.class)
				.hasMessageContaining(garbage.toAbsolutePath().toString())
				.hasMessageContaining("Cannot load native extension")
				.satisfies(e -> assertThat(e.getMessage()).contains(e.getCause().getMessage()));

			assertSqlLoadingRefused(connection);
			assertThat(TestDatabase.queryLong(connection, "SELECT 41 + 1")).isEqualTo(42);
		}
	}

	@Test
	void wrongEntryPointNamesTheEntryPointAndLeavesLoadingOff() throws Exception {
		try (Connection connection = open()) {
			assertThatThrownBy(() -> NativeExtension.load(connection, library, "sqlite3_nosuch_init"))
				.isInstanceOf(SQLException.class)
				.hasMessageContaining(library.toAbsolutePath().toString())
				.hasMessageContaining("sqlite3_nosuch_init");

			assertSqlLoadingRefused(connection);
		}
	}

	@Test
	void blankEntryPointIsRejected() throws Exception {
		try (Connection connection = open()) {
			assertThatThrownBy(() -> NativeExtension.load(connection, library, " "))
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("entry point");
		}
	}

	private Connection open() throws SQLException {
		return DriverManager.getConnection("jdbc:sqlite:" + directory.resolve("native.db"));
	}

	private static void assertSqlLoadingRefused(Connection connection) {
		assertThatThrownBy(() -> TestDatabase.queryString(connection, "SELECT load_extension(?, ?)", library.toString(),
				NativeExtension.DEFAULT_ENTRY_POINT))
			.isInstanceOf(SQLException.class)
			.hasMessageContaining("not authorized");
	}

}
