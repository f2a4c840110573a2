package dev.honker.spring.boot.autoconfigure.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteException;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

import dev.honker.spring.boot.autoconfigure.HonkerAutoConfiguration;
import dev.honker.spring.core.HonkerTemplate;

/**
 * The database on a real, size-limited file system (a tmpfs mounted for the test): when
 * the disk is full, or the file system turns read-only, the application's transaction (an
 * order row and its job) fails with a Spring exception carrying SQLite's
 * {@code SQLITE_FULL} or {@code SQLITE_READONLY}, leaves nothing half-written, and the
 * same transaction succeeds once space or write access returns.
 *
 * <p>
 * Mounting needs root: a failed mount fails the test with the reason (it never skips).
 */
class DiskFullAndReadOnlyTests {

	private static final int ORDER_BYTES = 256 * 1024;

	@TempDir
	Path directory;

	private TmpfsMount mount;

	@BeforeEach
	void mountTmpfs() {
		try {
			this.mount = TmpfsMount.mount(this.directory.resolve("disk"), 4L * 1024 * 1024);
		}
		catch (IOException ex) {
			String reason = "this test mounts a 4 MiB tmpfs, which needs root: " + ex.getMessage();
			fail(reason);
		}
	}

	@AfterEach
	void unmount() throws IOException {
		if (this.mount != null) {
			this.mount.close();
		}
	}

	private ApplicationContextRunner application() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class, JacksonAutoConfiguration.class, HonkerAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.mount.directory().resolve("shop.db"),
					"spring.datasource.hikari.data-source-properties.journal_mode=WAL",
					"spring.datasource.hikari.data-source-properties.synchronous=NORMAL",
					"spring.datasource.hikari.data-source-properties.busy_timeout=5000",
					"spring.datasource.hikari.data-source-properties.transaction_mode=IMMEDIATE");
	}

	@Test
	void aFullDiskRollsTheTransactionBackWholeAndSpaceComingBackHealsIt() {
		application().run(context -> {
			createOrders(context);
			List<Path> filler = TmpfsMount.fill(this.mount.directory());

			Throwable failure = catchThrowable(() -> placeOrder(context, "full"));
			assertThat(failure).as("what the application sees")
				.isInstanceOfAny(DataAccessException.class, TransactionException.class);
			assertThat(NestedExceptionUtils.getMostSpecificCause(failure)).isInstanceOf(SQLiteException.class)
				.hasMessageContaining("SQLITE_FULL");
			for (Path file : filler) {
				Files.delete(file);
			}
			assertNothingHalfWritten(context);

			placeOrder(context, "after");
			assertThat(jdbc(context).queryForList("SELECT item FROM orders", String.class)).containsExactly("after");
			assertThat(jdbc(context).queryForObject("SELECT count(*) FROM _honker_live", Long.class)).isOne();
		});
	}

	/**
	 * Linux refuses to remount a file system read-only while files on it are open for
	 * writing, so the pool's idle connections are closed first (the pool keeps none idle
	 * here, and Hikari closes evicted connections on a thread of its own, so the test
	 * waits for them to be gone); the application's next transaction opens its connection
	 * on the read-only file system.
	 */
	@Test
	void aFileSystemTurnedReadOnlyRollsTheTransactionBackAndWritesResumeAfterwards() {
		application()
			.withPropertyValues("spring.datasource.hikari.minimum-idle=0",
					"spring.datasource.hikari.connection-timeout=2000")
			.run(context -> {
				createOrders(context);
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				pool.getHikariPoolMXBean().softEvictConnections();
				await().atMost(Duration.ofSeconds(30))
					.until(() -> pool.getHikariPoolMXBean().getTotalConnections() == 0);
				Throwable failure;
				this.mount.remountReadOnly();
				try {
					failure = catchThrowable(() -> placeOrder(context, "read-only"));
				}
				finally {
					this.mount.remountWritable();
				}
				assertThat(failure).as("what the application sees").isInstanceOf(TransactionException.class);
				assertThat(NestedExceptionUtils.getMostSpecificCause(failure)).isInstanceOf(SQLiteException.class)
					.hasMessageContaining("SQLITE_CANTOPEN");
				assertNothingHalfWritten(context);

				placeOrder(context, "after");
				assertThat(jdbc(context).queryForList("SELECT item FROM orders", String.class))
					.containsExactly("after");
			});
	}

	@Test
	void startingOnAReadOnlyFileSystemFailsWithAnAction() throws Exception {
		application().run(DiskFullAndReadOnlyTests::createOrders);
		this.mount.remountReadOnly();
		try {
			application().run(context -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("SQLITE_CANTOPEN");
				assertThat(context.getStartupFailure()).hasStackTraceContaining("Honker cannot write the database file "
						+ this.mount.directory().resolve("shop.db") + ": SQLite cannot open it");
			});
		}
		finally {
			this.mount.remountWritable();
		}
	}

	private static void createOrders(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		jdbc(context).execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT NOT NULL, details BLOB)");
		jdbc(context).execute("PRAGMA wal_checkpoint(TRUNCATE)");
	}

	private static void placeOrder(AssertableApplicationContext context, String item) {
		new TransactionTemplate(context.getBean(PlatformTransactionManager.class)).executeWithoutResult(status -> {
			long id = jdbc(context).queryForObject(
					"INSERT INTO orders (item, details) VALUES (?, randomblob(?)) RETURNING id", Long.class, item,
					ORDER_BYTES);
			context.getBean(HonkerTemplate.class).enqueue("orders", java.util.Map.of("orderId", id));
		});
	}

	private static void assertNothingHalfWritten(AssertableApplicationContext context) {
		JdbcTemplate jdbc = jdbc(context);
		assertThat(jdbc.queryForObject("PRAGMA integrity_check", String.class)).isEqualTo("ok");
		assertThat(jdbc.queryForObject("SELECT count(*) FROM orders", Long.class)).isZero();
		assertThat(jdbc.queryForObject("SELECT count(*) FROM _honker_live", Long.class)).isZero();
	}

	private static JdbcTemplate jdbc(AssertableApplicationContext context) {
		return new JdbcTemplate(context.getBean(DataSource.class));
	}

}
