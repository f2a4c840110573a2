package dev.honker.spring.boot.autoconfigure;

import java.nio.file.Path;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import dev.honker.spring.dashboard.HonkerDashboard;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions of {@link HonkerDashboardAutoConfiguration}: off by default, on in a Spring
 * MVC application with {@code honker.dashboard.enabled=true}, a failure analysis for a
 * bad path, and the startup WARN without Spring Security on a non-loopback address.
 */
class HonkerDashboardAutoConfigurationTests {

	private static final String WARNING = "is enabled without Spring Security";

	@TempDir
	Path directory;

	private WebApplicationContextRunner web() {
		return new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, JacksonAutoConfiguration.class,
					HonkerAutoConfiguration.class, HonkerListenerAutoConfiguration.class,
					HonkerDashboardAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.directory.resolve("app.db"));
	}

	@Test
	void offByDefault() {
		web().run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(HonkerDashboard.class));
	}

	@Test
	void onWhenEnabledInAWebApplication() {
		web().withPropertyValues("honker.dashboard.enabled=true").run(context -> {
			assertThat(context).hasNotFailed().hasSingleBean(HonkerDashboard.class).hasBean("honkerDashboardRoutes");
		});
	}

	@Test
	void notInANonWebApplication() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, JacksonAutoConfiguration.class,
					HonkerAutoConfiguration.class, HonkerDashboardAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.directory.resolve("app.db"),
					"honker.dashboard.enabled=true")
			.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(HonkerDashboard.class));
	}

	@Test
	void notWithoutSpringMvc() {
		web().withPropertyValues("honker.dashboard.enabled=true")
			.withClassLoader(new FilteredClassLoader("org.springframework.web.servlet.function"))
			.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(HonkerDashboard.class));
	}

	@Test
	void aBadPathFailsStartupNamingTheProperty() {
		web().withPropertyValues("honker.dashboard.enabled=true", "honker.dashboard.path=honker/").run(context -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new HonkerConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("honker.dashboard.path", "'honker/'");
			assertThat(analysis.getAction()).contains("honker.dashboard.path");
		});
	}

	@Test
	void warnsWithoutSpringSecurityOnEveryAddress() {
		try (LogCapture log = LogCapture.of(HonkerDashboardAutoConfiguration.class)) {
			web().withPropertyValues("honker.dashboard.enabled=true")
				.withClassLoader(new FilteredClassLoader("org.springframework.security"))
				.run(context -> assertThat(context).hasNotFailed());
			assertThat(log.messages(Level.WARN)).singleElement()
				.asString()
				.contains("/honker", WARNING, "server.address is unset", "server.address=127.0.0.1");
		}
	}

	@Test
	void warnsWithoutSpringSecurityOnANonLoopbackAddress() {
		try (LogCapture log = LogCapture.of(HonkerDashboardAutoConfiguration.class)) {
			web().withPropertyValues("honker.dashboard.enabled=true", "server.address=0.0.0.0")
				.withClassLoader(new FilteredClassLoader("org.springframework.security"))
				.run(context -> assertThat(context).hasNotFailed());
			assertThat(log.messages(Level.WARN)).singleElement().asString().contains(WARNING, "0.0.0.0");
		}
	}

	@Test
	void noWarningOnLoopbackOrWithSpringSecurity() {
		try (LogCapture log = LogCapture.of(HonkerDashboardAutoConfiguration.class)) {
			web().withPropertyValues("honker.dashboard.enabled=true", "server.address=127.0.0.1")
				.withClassLoader(new FilteredClassLoader("org.springframework.security"))
				.run(context -> assertThat(context).hasNotFailed());
			web().withPropertyValues("honker.dashboard.enabled=true")
				.run(context -> assertThat(context).hasNotFailed());
			assertThat(log.messages(Level.WARN)).isEmpty();
		}
	}

}
