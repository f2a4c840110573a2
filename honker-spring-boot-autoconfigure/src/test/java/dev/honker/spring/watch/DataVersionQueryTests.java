package dev.honker.spring.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

class DataVersionQueryTests {

	@TempDir
	Path dir;

	@Test
	void readsTheValueJdbcReadsAndSeesOtherConnectionsCommits() throws Exception {
		String url = "jdbc:sqlite:" + this.dir.resolve("v.db");
		try (Connection writer = DriverManager.getConnection(url);
				Connection reader = DriverManager.getConnection(url);
				Statement write = writer.createStatement();
				Statement read = reader.createStatement()) {
			write.execute("PRAGMA journal_mode=WAL");
			write.execute("CREATE TABLE t (x)");
			try (DataVersionQuery query = new DataVersionQuery(reader)) {
				assertThat(query.usesStatementHandle()).isTrue();
				long before = query.read();
				assertThat(before).isEqualTo(jdbcDataVersion(read));
				assertThat(query.read()).isEqualTo(before);
				write.execute("INSERT INTO t VALUES (1)");
				long after = query.read();
				assertThat(after).isNotEqualTo(before).isEqualTo(jdbcDataVersion(read));
				try (var checkpoint = write.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
					checkpoint.next();
					assertThat(checkpoint.getInt(1)).as("checkpoint blocked by a read transaction left open").isZero();
				}
			}
		}
	}

	@Test
	void busyDatabaseSurfacesAsSqliteBusy() throws Exception {
		String url = "jdbc:sqlite:" + this.dir.resolve("busy.db");
		try (Connection holder = DriverManager.getConnection(url);
				Connection reader = DriverManager.getConnection(url);
				Statement hold = holder.createStatement();
				Statement read = reader.createStatement()) {
			hold.execute("CREATE TABLE t (x)");
			read.execute("PRAGMA busy_timeout=0");
			try (DataVersionQuery query = new DataVersionQuery(reader)) {
				hold.execute("BEGIN EXCLUSIVE");
				hold.execute("INSERT INTO t VALUES (1)");
				assertThatThrownBy(query::read).isInstanceOfSatisfying(SQLiteException.class,
						ex -> assertThat(ex.getResultCode().code & 0xff).isEqualTo(SQLiteErrorCode.SQLITE_BUSY.code));
				hold.execute("COMMIT");
				assertThat(query.read()).isEqualTo(jdbcDataVersion(read));
			}
		}
	}

	private static long jdbcDataVersion(Statement statement) throws Exception {
		try (var row = statement.executeQuery("PRAGMA data_version")) {
			row.next();
			return row.getLong(1);
		}
	}

}
