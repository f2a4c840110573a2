package dev.honker.spring.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@link HonkerTestSupport} on SQLite, with {@link HonkerTestDatabase}'s fresh database
 * file.
 */
@SpringBootTest(classes = TestApplication.class)
@HonkerTestDatabase
class HonkerTestSupportTests extends HonkerTestSupportContract {

	@Test
	void theContextRunsOnAFreshTemporaryDatabaseFile() throws Exception {
		String url = new JdbcTemplate(this.dataSource)
			.execute((java.sql.Connection connection) -> connection.getMetaData().getURL());
		assertThat(url).startsWith("jdbc:sqlite:").contains("honker-test-").endsWith("test.db");
		Path file = Path.of(url.substring("jdbc:sqlite:".length()));
		assertThat(file).isRegularFile();
		assertThat(file.getParent().getParent()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
		assertThat(Files.list(file.getParent()).map(Path::getFileName).map(Path::toString))
			.allMatch(name -> name.startsWith("test.db"));
	}

}
