package dev.honker.sample.web.demo;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.honker.sample.web.WebApplication;

/** The sample on SQLite: the web app and the worker app share one database file. */
@SpringBootTest(classes = WebApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class SampleEndToEndTests extends SampleEndToEndContract {

	@TempDir
	static Path dir;

	@DynamicPropertySource
	static void databaseFile(DynamicPropertyRegistry registry) {
		registry.add("sample.db-file", () -> databaseFile().toString());
	}

	@Override
	List<String> workerArguments() {
		return List.of("--sample.db-file=" + databaseFile());
	}

	private static Path databaseFile() {
		return dir.resolve("orders.db").toAbsolutePath();
	}

}
