package dev.honker.spring.boot.autoconfigure;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

import javax.sql.DataSource;

import org.sqlite.SQLiteConnection;

import org.springframework.jdbc.datasource.DelegatingDataSource;
import dev.honker.spring.core.HonkerDialect;
import dev.honker.sqlite.SqliteSupport;

/**
 * Wraps a DataSource Honker cannot configure from the inside (anything but a
 * not-yet-started {@code HikariDataSource}): each physical SQLite connection is prepared
 * with {@link HonkerConnectionSetup} the first time it is handed out, and every handle on
 * it is wrapped by {@link TransactionBegin}. Connections to other databases pass through
 * untouched.
 */
final class HonkerDataSource extends DelegatingDataSource {

	private final HonkerConnectionSetup setup;

	/** The {@code BEGIN} of each prepared physical connection's configured mode. */
	private final Map<SQLiteConnection, String> prepared = Collections.synchronizedMap(new WeakHashMap<>());

	HonkerDataSource(DataSource target, HonkerConnectionSetup setup) {
		super(target);
		this.setup = setup;
	}

	@Override
	public Connection getConnection() throws SQLException {
		return prepared(super.getConnection());
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		return prepared(super.getConnection(username, password));
	}

	private Connection prepared(Connection connection) throws SQLException {
		try {
			SQLiteConnection physical = SqliteSupport.sqliteConnection(connection);
			if (physical != null) {
				String begin = this.prepared.get(physical);
				if (begin == null) {
					this.setup.prepare(connection);
					begin = TransactionBegin.takeOver(physical);
					this.prepared.put(physical, begin);
				}
				return TransactionBegin.wrap(connection, physical, begin);
			}
			if (HonkerDialect
				.ofProduct(connection.getMetaData().getDatabaseProductName()) == HonkerDialect.POSTGRESQL) {
				PostgresSearchPath.apply(connection);
			}
			return connection;
		}
		catch (SQLException | RuntimeException ex) {
			HonkerConnectionSetup.closeAfterFailure(connection, ex);
			throw ex;
		}
	}

}
