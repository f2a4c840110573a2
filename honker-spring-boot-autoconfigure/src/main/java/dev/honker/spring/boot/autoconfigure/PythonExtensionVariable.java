package dev.honker.spring.boot.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;

/**
 * Keeps the {@code HONKER_EXTENSION_PATH} environment variable, which the Python Honker
 * package reads, from switching the starter into native mode through Spring's relaxed
 * binding of {@code honker.extension.path}. A value that comes from that variable alone
 * is dropped, with a warning that names the variable and how to opt in
 * ({@code honker.extension.path: ${HONKER_EXTENSION_PATH}} in the application's
 * configuration). Any other source of the property is used as usual.
 */
final class PythonExtensionVariable {

	static final String VARIABLE = "HONKER_EXTENSION_PATH";

	private static final Log logger = LogFactory.getLog(HonkerAutoConfiguration.class);

	private static final ConfigurationPropertyName PATH = ConfigurationPropertyName.of("honker.extension.path");

	private PythonExtensionVariable() {
	}

	/** Clears {@code honker.extension.path} when it was bound from the variable alone. */
	static void ignoreIn(HonkerProperties properties, Environment environment) {
		if (properties.getExtension().getPath() == null || !fromEnvironmentVariable(environment)) {
			return;
		}
		logger.warn("Honker: ignoring the environment variable " + VARIABLE + "=" + properties.getExtension().getPath()
				+ " (it is the Python Honker package's setting) and using the"
				+ " embedded Java functions. To load that native extension here, set honker.extension.path in the"
				+ " application's configuration, for example honker.extension.path: ${" + VARIABLE + "}.");
		properties.getExtension().setPath(null);
	}

	/**
	 * Whether the source that wins for {@code honker.extension.path} is the operating
	 * system's environment.
	 */
	private static boolean fromEnvironmentVariable(Environment environment) {
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			ConfigurationProperty property = source.getConfigurationProperty(PATH);
			if (property != null) {
				return source.getUnderlyingSource() instanceof org.springframework.core.env.PropertySource<?> origin
						&& StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME.equals(origin.getName());
			}
		}
		return false;
	}

}
