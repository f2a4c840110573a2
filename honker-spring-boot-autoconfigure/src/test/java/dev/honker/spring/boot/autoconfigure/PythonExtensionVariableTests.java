package dev.honker.spring.boot.autoconfigure;

import java.nio.file.Path;
import java.util.Map;

import ch.qos.logback.classic.Level;
import dev.honker.spring.core.HonkerTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Python Honker package's {@code HONKER_EXTENSION_PATH} environment variable does not
 * switch the starter into native mode, unless the configuration asks for it.
 */
class PythonExtensionVariableTests {

	private static final String MISSING_LIBRARY = "/nowhere/libhonker_ext.so";

	@TempDir
	Path directory;

	private ApplicationContextRunner withVariable() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, JacksonAutoConfiguration.class,
					HonkerAutoConfiguration.class))
			.withInitializer(
					context -> context.getEnvironment()
						.getPropertySources()
						.addLast(new SystemEnvironmentPropertySource(
								StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
								Map.of(PythonExtensionVariable.VARIABLE, MISSING_LIBRARY))))
			.withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.directory.resolve("app.db"));
	}

	@Test
	void theVariableAloneIsIgnoredWithAWarningNamingIt() {
		try (LogCapture log = LogCapture.of(HonkerAutoConfiguration.class)) {
			withVariable().run(context -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(HonkerProperties.class).getExtension().getPath()).isNull();
				assertThat(context.getBean(HonkerTemplate.class).enqueue("emails", "hello")).isPositive();
				assertThat(log.messages(Level.WARN)).singleElement()
					.asString()
					.contains("ignoring the environment variable HONKER_EXTENSION_PATH=" + MISSING_LIBRARY)
					.contains("honker.extension.path: ${HONKER_EXTENSION_PATH}");
			});
		}
	}

	@Test
	void thePropertyReferringToTheVariableLoadsTheExtension() {
		withVariable().withPropertyValues("honker.extension.path=${HONKER_EXTENSION_PATH}").run(context -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(MISSING_LIBRARY);
		});
	}

}
