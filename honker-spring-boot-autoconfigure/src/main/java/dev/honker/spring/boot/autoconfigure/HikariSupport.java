package dev.honker.spring.boot.autoconfigure;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.util.StringUtils;

/**
 * Installs Honker inside a {@link HikariDataSource}; only loaded when HikariCP is on the
 * classpath.
 */
final class HikariSupport {

	private HikariSupport() {
	}

	/**
	 * The URL a HikariDataSource connects to, or {@code null} if it is not one or the URL
	 * is unknown.
	 */
	static String jdbcUrl(DataSource dataSource) {
		if (!(dataSource instanceof HikariDataSource hikari)) {
			return null;
		}
		if (hikari.getDataSource() != null) {
			return SqliteUrl.of(hikari.getDataSource());
		}
		return (hikari.getDataSourceClassName() != null) ? null : hikari.getJdbcUrl();
	}

	/**
	 * Makes a pool that has not started yet prepare each new physical connection: a pool
	 * configured with a {@code jdbcUrl} gets a {@link HonkerSqliteDataSource} built from
	 * that URL and its {@code data-source-properties}; a pool built on a DataSource gets
	 * that DataSource wrapped. In {@code connect} bootstrap mode,
	 * {@code honker_bootstrap()} becomes the pool's {@code connection-init-sql}, or, when
	 * the application already has one, runs just before it.
	 * @return whether Honker was installed; {@code false} for other DataSources and
	 * started pools
	 */
	static boolean install(DataSource dataSource, HonkerConnectionSetup setup, boolean bootstrapOnConnect) {
		if (!(dataSource instanceof HikariDataSource hikari) || hikari.getHikariPoolMXBean() != null
				|| hikari.isClosed() || (hikari.getDataSource() == null && hikari.getDataSourceClassName() != null)) {
			return false;
		}
		boolean chainBootstrap = false;
		if (bootstrapOnConnect) {
			if (StringUtils.hasText(hikari.getConnectionInitSql())) {
				chainBootstrap = true;
			}
			else {
				hikari.setConnectionInitSql(HonkerConnectionSetup.BOOTSTRAP_SQL);
			}
		}
		HonkerConnectionSetup connectionSetup = setup.withBootstrap(chainBootstrap);
		if (hikari.getDataSource() != null) {
			hikari.setDataSource(new HonkerDataSource(hikari.getDataSource(), connectionSetup));
		}
		else {
			hikari.setDataSource(
					new HonkerSqliteDataSource(hikari.getJdbcUrl(), hikari.getDataSourceProperties(), connectionSetup));
		}
		return true;
	}

}
