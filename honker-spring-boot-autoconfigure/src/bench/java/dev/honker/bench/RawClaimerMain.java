package dev.honker.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.honker.sqlite.HonkerFunctions;

/**
 * The raw baseline of the commit-to-handler benchmark, in its own JVM: one thread on one
 * sqlite-jdbc connection, no framework, reads {@code PRAGMA data_version} every
 * millisecond and, when it changed, claims up to 4 jobs of the queue with
 * {@code honker_claim_batch} in a {@code BEGIN IMMEDIATE} transaction, prints
 * {@code handled <job id> <System.nanoTime()>} for each as soon as the claim committed,
 * then acknowledges them. Arguments: the database file and the queue.
 */
public final class RawClaimerMain {

	private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

	private RawClaimerMain() {
	}

	/** Claims from queue {@code args[1]} of database {@code args[0]} until killed. */
	public static void main(String[] args) throws SQLException {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + args[0]);
				Statement statement = connection.createStatement()) {
			statement.execute("PRAGMA busy_timeout=10000");
			statement.execute("PRAGMA synchronous=NORMAL");
			HonkerFunctions.register(connection);
			PreparedStatement version = connection.prepareStatement("PRAGMA data_version");
			PreparedStatement claim = connection.prepareStatement("SELECT honker_claim_batch(?, 'raw', 4, 30)");
			PreparedStatement ack = connection.prepareStatement("SELECT honker_ack_batch(?, 'raw')");
			claim.setString(1, args[1]);
			long last = read(version);
			System.out.println("worker ready");
			while (true) {
				LockSupport.parkNanos(1_000_000);
				long current = read(version);
				if (current == last) {
					continue;
				}
				last = current;
				statement.execute("BEGIN IMMEDIATE");
				String claimed;
				try (ResultSet row = claim.executeQuery()) {
					row.next();
					claimed = row.getString(1);
				}
				statement.execute("COMMIT");
				long now = System.nanoTime();
				List<String> ids = new ArrayList<>();
				for (Matcher id = ID.matcher(claimed); id.find();) {
					ids.add(id.group(1));
					System.out.println("handled " + id.group(1) + " " + now);
				}
				if (!ids.isEmpty()) {
					statement.execute("BEGIN IMMEDIATE");
					ack.setString(1, ids.toString());
					ack.executeQuery().close();
					statement.execute("COMMIT");
				}
			}
		}
	}

	private static long read(PreparedStatement version) throws SQLException {
		try (ResultSet row = version.executeQuery()) {
			row.next();
			return row.getLong(1);
		}
	}

}
