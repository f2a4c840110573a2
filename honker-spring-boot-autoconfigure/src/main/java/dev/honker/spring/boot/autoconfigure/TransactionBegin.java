package dev.honker.spring.boot.autoconfigure;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;

import org.sqlite.SQLiteConfig.TransactionMode;
import org.sqlite.SQLiteConnection;
import org.sqlite.core.DB;

/**
 * Owns how transactions begin on a SQLite connection, so that sqlite-jdbc's
 * {@code transaction_mode} ({@code IMMEDIATE} or {@code EXCLUSIVE}) takes the write lock
 * once per transaction and a commit reported as failed has not committed.
 *
 * <p>
 * sqlite-jdbc's {@code commit()} and {@code rollback()} end the transaction and at once
 * begin the next one in the configured mode. With {@code IMMEDIATE} that second
 * {@code BEGIN} takes the write lock again, and when it meets {@code SQLITE_BUSY} the
 * commit is reported as failed although it committed. So the physical connection is
 * switched to {@code DEFERRED} (a {@code BEGIN} that takes no lock and cannot be busy),
 * and the wrapper takes the configured lock only where a transaction really begins: in
 * {@code setAutoCommit(false)}. A begin that fails leaves the connection in auto-commit
 * mode, as it was; a rollback that finds SQLite already rolled back (after some I/O
 * errors) still leaves a transaction open, as JDBC expects.
 */
final class TransactionBegin implements InvocationHandler {

	private static final String DEFERRED = "BEGIN " + TransactionMode.DEFERRED.name();

	private static final String NO_TRANSACTION = "no transaction is active";

	private final Connection target;

	private final SQLiteConnection physical;

	private final String beginSql;

	private TransactionBegin(Connection target, SQLiteConnection physical, String beginSql) {
		this.target = target;
		this.physical = physical;
		this.beginSql = beginSql;
	}

	/**
	 * Switches a newly opened physical connection to deferred begins.
	 * @return the {@code BEGIN} statement of the mode the connection was configured with
	 */
	static String takeOver(SQLiteConnection physical) {
		TransactionMode configured = physical.getConnectionConfig().getTransactionMode();
		physical.getConnectionConfig().setTransactionMode(TransactionMode.DEFERRED);
		return "BEGIN " + ((configured != null) ? configured : TransactionMode.DEFERRED).name();
	}

	/**
	 * Wraps a connection whose physical connection went through {@link #takeOver}.
	 * @param target the connection handed to the application (the physical connection
	 * itself or a pool's handle on it)
	 * @param beginSql what {@link #takeOver} returned
	 */
	static Connection wrap(Connection target, SQLiteConnection physical, String beginSql) {
		return (Connection) Proxy.newProxyInstance(TransactionBegin.class.getClassLoader(),
				new Class<?>[] { Connection.class }, new TransactionBegin(target, physical, beginSql));
	}

	@Override
	public Object invoke(Object proxy, Method method, Object[] arguments) throws Throwable {
		String name = method.getName();
		int count = (arguments != null) ? arguments.length : 0;
		if (name.equals("equals") && count == 1) {
			return proxy == arguments[0];
		}
		if (name.equals("hashCode") && count == 0) {
			return System.identityHashCode(proxy);
		}
		if (name.equals("toString") && count == 0) {
			return "TransactionBegin[" + this.beginSql + "] " + this.target;
		}
		if (name.equals("setAutoCommit") && count == 1) {
			setAutoCommit((Boolean) arguments[0]);
			return null;
		}
		if (name.equals("rollback") && count == 0) {
			rollback();
			return null;
		}
		try {
			return method.invoke(this.target, arguments);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

	private void setAutoCommit(boolean autoCommit) throws SQLException {
		boolean begins = !autoCommit && this.target.getAutoCommit();
		this.target.setAutoCommit(autoCommit);
		if (begins && !this.beginSql.equals(DEFERRED)) {
			takeWriteLock();
		}
	}

	/**
	 * Replaces the deferred transaction that sqlite-jdbc has just begun (it holds no lock
	 * and has read nothing) with one in the configured mode.
	 */
	private void takeWriteLock() throws SQLException {
		DB database = this.physical.getDatabase();
		database.exec("COMMIT", false);
		try {
			database.exec(this.beginSql, false);
		}
		catch (SQLException ex) {
			try {
				database.exec("BEGIN", false);
				this.target.setAutoCommit(true);
			}
			catch (SQLException restore) {
				ex.addSuppressed(restore);
			}
			throw ex;
		}
	}

	private void rollback() throws SQLException {
		try {
			this.target.rollback();
		}
		catch (SQLException ex) {
			if (ex.getMessage() == null || !ex.getMessage().contains(NO_TRANSACTION)) {
				throw ex;
			}
			// SQLite rolled the transaction back itself; begin the next one as JDBC
			// expects.
			this.physical.getDatabase().exec("BEGIN", false);
		}
	}

}
