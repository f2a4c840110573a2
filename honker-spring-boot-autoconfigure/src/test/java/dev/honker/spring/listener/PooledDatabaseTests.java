package dev.honker.spring.listener;

import java.nio.file.Path;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the listener tests (of every kind): each test gets a fresh database file
 * {@code app.db} in its own temp directory and a {@link HonkerTestPool} on it, closed
 * after the test.
 */
public abstract class PooledDatabaseTests {

	/** The test's temp directory. */
	@TempDir
	protected Path dir;

	/** The database file, {@code app.db} in {@link #dir}. */
	protected Path file;

	/** The pool on {@link #file}, schema bootstrapped. */
	protected HikariDataSource pool;

	@BeforeEach
	protected void openDatabase() {
		this.file = this.dir.resolve("app.db");
		this.pool = HonkerTestPool.pool(this.file);
	}

	@AfterEach
	protected void closeDatabase() {
		this.pool.close();
	}

}
