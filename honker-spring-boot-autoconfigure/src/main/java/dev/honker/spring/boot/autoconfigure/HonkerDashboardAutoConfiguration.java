package dev.honker.spring.boot.autoconfigure;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

import dev.honker.spring.core.HonkerDeadLetters;
import dev.honker.spring.core.HonkerStats;
import dev.honker.spring.dashboard.HonkerDashboard;
import dev.honker.spring.listener.HonkerListenerEndpointRegistry;
import dev.honker.spring.scheduler.HonkerSchedulerLeader;
import dev.honker.spring.scheduler.HonkerSchedules;
import dev.honker.spring.web.HonkerEvents;

/**
 * The Honker dashboard ({@link HonkerDashboard}) at {@code honker.dashboard.path}, in a
 * Spring MVC application with {@code honker.dashboard.enabled=true}. Without Spring
 * Security on the classpath and with the server listening on a non-loopback address, it
 * logs a WARN at startup: the page then shows payloads to, and takes writes from, anyone
 * who reaches the port.
 */
@AutoConfiguration(after = { HonkerAutoConfiguration.class, HonkerListenerAutoConfiguration.class,
		HonkerSchedulerAutoConfiguration.class, HonkerEventsAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(
		name = { "org.springframework.web.servlet.function.RouterFunction", "tools.jackson.databind.json.JsonMapper" })
@ConditionalOnBooleanProperty("honker.dashboard.enabled")
@ConditionalOnBean({ HonkerStats.class, HonkerDeadLetters.class })
public final class HonkerDashboardAutoConfiguration {

	private static final Log logger = LogFactory.getLog(HonkerDashboardAutoConfiguration.class);

	static final String SECURITY_CLASS = "org.springframework.security.web.SecurityFilterChain";

	HonkerDashboardAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	HonkerDashboard honkerDashboard(HonkerProperties properties, HonkerStats stats, HonkerDeadLetters deadLetters,
			ObjectProvider<HonkerListenerEndpointRegistry> listeners, ObjectProvider<HonkerSchedules> schedules,
			ObjectProvider<HonkerSchedulerLeader> leader, ObjectProvider<HonkerEvents> events) {
		HonkerProperties.Dashboard dashboard = properties.getDashboard();
		String path = dashboard.getPath();
		if (!HonkerDashboard.isValidBasePath(path)) {
			throw new HonkerConfigurationException(
					"honker.dashboard.path must be a path such as /honker, got '" + path + "'.",
					"Set honker.dashboard.path to a path that starts with '/', does not end with '/' and has only"
							+ " letters, digits and - . _ ~ / in it, or leave it unset for /honker.",
					null);
		}
		if (dashboard.getUpdateInterval() == null || dashboard.getUpdateInterval().isNegative()) {
			throw new HonkerConfigurationException(
					"honker.dashboard.update-interval must not be negative, got " + dashboard.getUpdateInterval() + ".",
					"Set honker.dashboard.update-interval to a duration such as 1s, or leave it unset.", null);
		}
		return new HonkerDashboard(path, stats, deadLetters, listeners.getIfAvailable(), schedules.getIfAvailable(),
				leader.getIfAvailable(), events.getIfAvailable(), dashboard.getUpdateInterval());
	}

	@Bean
	@ConditionalOnMissingBean(name = "honkerDashboardRoutes")
	RouterFunction<ServerResponse> honkerDashboardRoutes(HonkerDashboard dashboard) {
		return dashboard.routes();
	}

	@Bean
	SmartInitializingSingleton honkerDashboardSecurityWarning(ApplicationContext context, HonkerProperties properties) {
		return () -> {
			String address = context.getEnvironment().getProperty("server.address");
			if (!ClassUtils.isPresent(SECURITY_CLASS, context.getClassLoader()) && !isLoopback(address)) {
				logger.warn("Honker dashboard at " + properties.getDashboard().getPath()
						+ " is enabled without Spring Security, and the server listens on "
						+ ((address != null) ? address : "every network address (server.address is unset)")
						+ ": anyone who reaches the port can read payloads and requeue or delete jobs. Add Spring"
						+ " Security and protect " + properties.getDashboard().getPath()
						+ "/**, or set server.address=127.0.0.1.");
			}
		};
	}

	static boolean isLoopback(String address) {
		if (address == null || address.isBlank()) {
			return false;
		}
		try {
			return InetAddress.getByName(address.trim()).isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

}
