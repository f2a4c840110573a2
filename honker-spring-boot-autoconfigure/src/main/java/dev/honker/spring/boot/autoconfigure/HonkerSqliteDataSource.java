package dev.honker.spring.boot.autoconfigure;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.sqlite.JDBC;
import org.sqlite.SQLiteConnection;

/**
 * The sqlite-jdbc connection factory Honker installs in a {@code HikariDataSource}: it
 * opens each physical connection exactly as Hikari would from its {@code jdbcUrl} and
 * {@code data-source-properties}, then prepares it with {@link HonkerConnectionSetup}
 * before the pool runs its own {@code connection-init-sql}, and hands it out wrapped by
 * {@link TransactionBegin}.
 */
final class HonkerSqliteDataSource implements DataSource {

	private final String url;

	private final Properties properties;

	private final HonkerConnectionSetup setup;

	private volatile int loginTimeout;

	private volatile PrintWriter logWriter;

	HonkerSqliteDataSource(String url, Properties properties, HonkerConnectionSetup setup) {
		this.url = url;
		this.properties = new Properties();
		this.properties.putAll(properties);
		this.setup = setup;
	}

	String getUrl() {
		return this.url;
	}

	@Override
	public Connection getConnection() throws SQLException {
		return open(this.properties);
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		Properties withCredentials = new Properties();
		withCredentials.putAll(this.properties);
		if (username != null) {
			withCredentials.setProperty("user", username);
		}
		if (password != null) {
			withCredentials.setProperty("password", password);
		}
		return open(withCredentials);
	}

	private Connection open(Properties connectionProperties) throws SQLException {
		SQLiteConnection connection = JDBC.createConnection(this.url, connectionProperties);
		try {
			this.setup.prepare(connection);
			return TransactionBegin.wrap(connection, connection, TransactionBegin.takeOver(connection));
		}
		catch (SQLException | RuntimeException ex) {
			HonkerConnectionSetup.closeAfterFailure(connection, ex);
			throw ex;
		}
	}

	@Override
	public PrintWriter getLogWriter() {
		return this.logWriter;
	}

	@Override
	public void setLogWriter(PrintWriter out) {
		this.logWriter = out;
	}

	@Override
	public void setLoginTimeout(int seconds) {
		this.loginTimeout = seconds;
	}

	@Override
	public int getLoginTimeout() {
		return this.loginTimeout;
	}

	@Override
	public Logger getParentLogger() throws SQLFeatureNotSupportedException {
		throw new SQLFeatureNotSupportedException("no parent logger");
	}

	@Override
	public <T> T unwrap(Class<T> type) throws SQLException {
		if (type.isInstance(this)) {
			return type.cast(this);
		}
		throw new SQLException(getClass().getName() + " does not wrap " + type.getName());
	}

	@Override
	public boolean isWrapperFor(Class<?> type) {
		return type.isInstance(this);
	}

}
