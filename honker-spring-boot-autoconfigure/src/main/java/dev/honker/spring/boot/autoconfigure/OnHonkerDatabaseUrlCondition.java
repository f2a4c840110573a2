package dev.honker.spring.boot.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches unless {@code spring.datasource.url} names another database than SQLite or
 * PostgreSQL. Without the property (an application-defined DataSource bean) Honker looks
 * at the DataSource itself at startup. {@code honker.enabled=true} matches any URL, so
 * that a non-SQLite one fails startup loudly instead.
 */
class OnHonkerDatabaseUrlCondition extends SpringBootCondition implements ConfigurationCondition {

	/** Under the auto-configuration's name, where a user looks for why Honker is off. */
	private static final Log logger = LogFactory.getLog(HonkerAutoConfiguration.class);

	@Override
	public ConfigurationPhase getConfigurationPhase() {
		return ConfigurationPhase.PARSE_CONFIGURATION;
	}

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Environment environment = context.getEnvironment();
		String url = environment.getProperty("spring.datasource.url");
		if (url == null) {
			return ConditionOutcome.match("no spring.datasource.url; Honker checks the DataSource at startup");
		}
		if (SqliteUrl.isSqlite(url)) {
			return ConditionOutcome.match("spring.datasource.url is a SQLite URL");
		}
		if (SqliteUrl.isPostgres(url)) {
			return ConditionOutcome.match("spring.datasource.url is a PostgreSQL URL");
		}
		if (Boolean.TRUE.equals(environment.getProperty("honker.enabled", Boolean.class))) {
			return ConditionOutcome.match("honker.enabled=true with a non-SQLite spring.datasource.url");
		}
		String scheme = SqliteUrl.scheme(url);
		logger.debug("Honker is off: spring.datasource.url is " + scheme + ", not jdbc:sqlite: or jdbc:postgresql:");
		return ConditionOutcome
			.noMatch("spring.datasource.url is " + scheme + ", not jdbc:sqlite: or jdbc:postgresql:");
	}

}
