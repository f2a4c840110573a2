package dev.honker.spring.listener;

import java.nio.file.Path;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the listener tests: each test gets a fresh database file {@code app.db} in its
 * own temp directory and a {@link HonkerTestPool} on it, closed after the test.
 */
abstract class PooledDatabaseTests {

	@TempDir
	Path dir;

	/** The database file, {@code app.db} in {@link #dir}. */
	Path file;

	/** The pool on {@link #file}, schema bootstrapped. */
	HikariDataSource pool;

	@BeforeEach
	void openDatabase() {
		this.file = this.dir.resolve("app.db");
		this.pool = HonkerTestPool.pool(this.file);
	}

	@AfterEach
	void closeDatabase() {
		this.pool.close();
	}

}
