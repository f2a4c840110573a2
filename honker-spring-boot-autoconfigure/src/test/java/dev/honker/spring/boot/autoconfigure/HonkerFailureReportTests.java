package dev.honker.spring.boot.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Spring Boot finds Honker's failure analyzer through META-INF/spring.factories and
 * prints its report.
 */
@ExtendWith(OutputCaptureExtension.class)
class HonkerFailureReportTests {

	@Test
	void printsWhyAndWhatToDoWhenTheApplicationFailsToStart(CapturedOutput output) {
		assertThatException()
			.isThrownBy(() -> new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
				.properties("spring.datasource.url=jdbc:sqlite::memory:")
				.run()
				.close());
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Honker cannot use the in-memory SQLite database 'jdbc:sqlite::memory:'")
			.contains("Point spring.datasource.url at a database file");
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, JacksonAutoConfiguration.class,
			HonkerAutoConfiguration.class })
	static class Application {

	}

}
