package dev.honker.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for the tests, started once per JVM from Debian's
 * {@code postgresql} package ({@code /usr/lib/postgresql/<version>/bin}; {@code .ci/run}
 * installs it) and stopped by a shutdown hook. A JVM killed before its hook ran (such as
 * a test fork that Surefire kills when it exits too slowly) leaves its server running:
 * each server's directory names the JVM that owns it ({@value #OWNER_FILE}), and the next
 * start stops and deletes the servers whose JVM is gone.
 *
 * <p>
 * The server runs {@code initdb} and {@code pg_ctl} in a temporary directory, listens on
 * a free port of 127.0.0.1 only, trusts the user {@value #USER} without a password, and
 * runs with {@code fsync} off (a test server loses nothing worth keeping). PostgreSQL
 * refuses to run as root, so a root JVM (CI) runs it as the {@code postgres} user (or
 * {@code nobody}) through {@code runuser}. When the binaries are missing the tests fail
 * with a message naming the package; they never skip.
 *
 * <p>
 * Each test takes a database of its own from {@link #createDatabase()}; its JDBC URL
 * carries the user, so it can be handed as is to child JVMs, which connect to the same
 * server for as long as this JVM lives.
 *
 * <p>
 * The other modules' tests (the sample app, {@code honker-spring-boot-test}) use it too:
 * the autoconfigure module publishes this class alone as its {@code test-jar}.
 */
public final class PostgresTestServer implements AutoCloseable {

	/** The database user, trusted without a password. */
	public static final String USER = "honker";

	private static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

	private static final String DIRECTORY_PREFIX = "honker-postgres";

	private static final String OWNER_FILE = "owner.pid";

	private static final AtomicInteger DATABASES = new AtomicInteger();

	private static PostgresTestServer instance;

	private final Path binaries;

	private final Path directory;

	private final List<String> runAs;

	private final int port;

	private final List<String> listenAddresses;

	private final List<String> trustedClients;

	private PostgresTestServer(Path binaries, Path directory, List<String> runAs, int port,
			List<String> listenAddresses, List<String> trustedClients) {
		this.binaries = binaries;
		this.directory = directory;
		this.runAs = runAs;
		this.port = port;
		this.listenAddresses = listenAddresses;
		this.trustedClients = trustedClients;
	}

	/**
	 * The server of this JVM, started on first use.
	 * @return the running server
	 * @throws IllegalStateException if PostgreSQL's binaries are missing or the server
	 * does not start
	 */
	public static synchronized PostgresTestServer get() {
		if (instance == null) {
			instance = start(List.of(), List.of());
		}
		return instance;
	}

	/**
	 * Starts a server of its own, apart from the JVM's shared one, that listens on
	 * further addresses of this host (such as the host end of a veth pair) besides
	 * 127.0.0.1 and trusts the user {@value #USER} from further client addresses.
	 * {@link #close()} stops it.
	 * @param listenAddresses the further IPv4 addresses to listen on
	 * @param trustedClients the further client IPv4 addresses to let in
	 * @return the running server
	 * @throws IllegalStateException if PostgreSQL's binaries are missing or the server
	 * does not start
	 */
	public static PostgresTestServer startListeningOn(List<String> listenAddresses, List<String> trustedClients) {
		return start(List.copyOf(listenAddresses), List.copyOf(trustedClients));
	}

	/**
	 * Creates an empty database (Honker's schema not installed).
	 * @return its JDBC URL, user included
	 */
	public String createDatabase() {
		return jdbcUrl(createDatabaseName());
	}

	/**
	 * Creates an empty database (Honker's schema not installed).
	 * @return its name, for {@link #jdbcUrl(String, String)}
	 */
	public String createDatabaseName() {
		String name = "honker_test_" + DATABASES.incrementAndGet();
		try (Connection admin = DriverManager.getConnection(jdbcUrl("postgres"));
				Statement statement = admin.createStatement()) {
			statement.execute("CREATE DATABASE " + name + " STRATEGY FILE_COPY");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("cannot create the test database " + name, ex);
		}
		return name;
	}

	/**
	 * The JDBC URL of a database of this server.
	 * @param database the database name
	 * @return the URL, user included
	 */
	public String jdbcUrl(String database) {
		return jdbcUrl("127.0.0.1", database);
	}

	/**
	 * The JDBC URL of a database of this server at one of the addresses it listens on.
	 * @param host 127.0.0.1 or one of the addresses given to
	 * {@link #startListeningOn(List, List)}
	 * @param database the database name
	 * @return the URL, user included
	 */
	public String jdbcUrl(String host, String database) {
		return "jdbc:postgresql://" + host + ":" + this.port + "/" + database + "?user=" + USER;
	}

	/**
	 * The server's port on 127.0.0.1.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	private static PostgresTestServer start(List<String> listenAddresses, List<String> trustedClients) {
		Path binaries = findBinaries();
		List<String> runAs = runAs();
		stopOrphans(binaries, runAs);
		IllegalStateException failure = null;
		for (int attempt = 0; attempt < 3; attempt++) {
			Path directory = createDirectory(runAs);
			PostgresTestServer server = new PostgresTestServer(binaries, directory, runAs, freePort(), listenAddresses,
					trustedClients);
			try {
				server.initAndStart();
				Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "honker-postgres-test-server-stop"));
				return server;
			}
			catch (IllegalStateException ex) {
				server.stop();
				failure = ex;
			}
		}
		throw failure;
	}

	private void initAndStart() {
		Path data = this.directory.resolve("data");
		run(List.of(this.binaries.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "--auth=trust", "-E",
				"UTF8", "--locale=C", "--no-sync"));
		List<String> addresses = new ArrayList<>(List.of("127.0.0.1"));
		addresses.addAll(this.listenAddresses);
		String settings = String.join("\n", "", "port = " + this.port,
				"listen_addresses = '" + String.join(",", addresses) + "'", "unix_socket_directories = ''",
				"fsync = off", "synchronous_commit = off", "full_page_writes = off", "max_connections = 400", "");
		StringBuilder clients = new StringBuilder("\n");
		this.trustedClients.forEach((client) -> clients.append("host all " + USER + " " + client + "/32 trust\n"));
		try {
			Files.writeString(data.resolve("postgresql.conf"), settings, StandardCharsets.UTF_8,
					StandardOpenOption.APPEND);
			Files.writeString(data.resolve("pg_hba.conf"), clients, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		run(List.of(this.binaries.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
				this.directory.resolve("server.log").toString(), "-w", "-t", "60", "start"));
	}

	/**
	 * Stops the server and deletes its files; the JVM's shared server is stopped by a
	 * shutdown hook instead.
	 */
	@Override
	public void close() {
		stop();
	}

	private synchronized void stop() {
		Path data = this.directory.resolve("data");
		if (Files.exists(data.resolve("postmaster.pid"))) {
			try {
				run(List.of(this.binaries.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w",
						"stop"));
			}
			catch (IllegalStateException ex) {
				// the JVM is exiting; the directory is removed below either way
			}
		}
		deleteRecursively(this.directory);
	}

	/** Runs a PostgreSQL program as the server's user and waits for it to succeed. */
	private void run(List<String> command) {
		List<String> full = new ArrayList<>(this.runAs);
		full.addAll(command);
		try {
			Path output = Files.createTempFile("honker-pg", ".out");
			try {
				Process process = new ProcessBuilder(full).redirectErrorStream(true)
					.redirectOutput(output.toFile())
					.start();
				if (!process.waitFor(120, TimeUnit.SECONDS)) {
					process.destroyForcibly();
					throw new IllegalStateException(String.join(" ", full) + " did not finish in 120 s");
				}
				if (process.exitValue() != 0) {
					throw new IllegalStateException(String.join(" ", full) + " failed with exit code "
							+ process.exitValue() + ":\n" + Files.readString(output) + serverLog());
				}
			}
			finally {
				Files.deleteIfExists(output);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while running " + full, ex);
		}
	}

	private String serverLog() throws IOException {
		Path log = this.directory.resolve("server.log");
		return Files.exists(log) ? "\nserver log:\n" + Files.readString(log) : "";
	}

	/** The newest {@code /usr/lib/postgresql/<version>/bin} with initdb and pg_ctl. */
	private static Path findBinaries() {
		if (Files.isDirectory(DEBIAN_ROOT)) {
			try (Stream<Path> versions = Files.list(DEBIAN_ROOT)) {
				Path found = versions.map((version) -> version.resolve("bin"))
					.filter((bin) -> Files.isExecutable(bin.resolve("initdb"))
							&& Files.isExecutable(bin.resolve("pg_ctl")))
					.max(Comparator.comparing((Path bin) -> versionOf(bin.getParent())))
					.orElse(null);
				if (found != null) {
					return found;
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		throw new IllegalStateException("The PostgreSQL tests need a PostgreSQL server: no initdb and pg_ctl under "
				+ DEBIAN_ROOT + "/<version>/bin; install Debian's postgresql package "
				+ "(apt-get install postgresql; .ci/run does)");
	}

	private static int versionOf(Path versionDirectory) {
		try {
			return Integer.parseInt(versionDirectory.getFileName().toString());
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	/** The command prefix that runs a program as a user PostgreSQL accepts. */
	private static List<String> runAs() {
		if (!"root".equals(System.getProperty("user.name"))) {
			return List.of();
		}
		return List.of("runuser", "-u", userExists("postgres") ? "postgres" : "nobody", "--");
	}

	private static boolean userExists(String user) {
		try {
			Process process = new ProcessBuilder("id", "-u", user).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			return process.waitFor() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Stops and deletes the servers of this machine whose owning JVM is gone. A server
	 * another JVM is starting or stopping at the same time may fail to stop here; that
	 * JVM deals with it.
	 */
	private static void stopOrphans(Path binaries, List<String> runAs) {
		Path temporary = Path.of(System.getProperty("java.io.tmpdir"));
		try (Stream<Path> directories = Files.list(temporary)) {
			for (Path directory : directories
				.filter((path) -> path.getFileName().toString().startsWith(DIRECTORY_PREFIX))
				.filter((path) -> Files.isRegularFile(path.resolve(OWNER_FILE)))
				.toList()) {
				if (!ownerIsAlive(directory)) {
					try {
						new PostgresTestServer(binaries, directory, runAs, 0, List.of(), List.of()).stop();
					}
					catch (IllegalStateException | UncheckedIOException ex) {
						// stopped or deleted meanwhile by another JVM
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot list " + temporary, ex);
		}
	}

	private static boolean ownerIsAlive(Path directory) {
		try {
			long pid = Long.parseLong(Files.readString(directory.resolve(OWNER_FILE)).strip());
			return ProcessHandle.of(pid).isPresent();
		}
		catch (IOException | NumberFormatException ex) {
			return true;
		}
	}

	/**
	 * A temporary directory that the server's user owns, naming this JVM as its owner.
	 */
	private static Path createDirectory(List<String> runAs) {
		try {
			Path directory = Files.createTempDirectory(DIRECTORY_PREFIX);
			Files.writeString(directory.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
			if (!runAs.isEmpty()) {
				String user = runAs.get(2);
				Process chown = new ProcessBuilder("chown", user, directory.toString()).inheritIO().start();
				if (chown.waitFor() != 0) {
					throw new IllegalStateException("cannot give " + directory + " to the user " + user);
				}
			}
			return directory;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void deleteRecursively(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// best effort while the JVM exits
		}
	}

}
