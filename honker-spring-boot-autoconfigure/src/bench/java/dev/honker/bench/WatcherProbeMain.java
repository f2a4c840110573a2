package dev.honker.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import dev.honker.spring.watch.DatabaseWatcher;
import dev.honker.spring.watch.SqliteDatabaseWatcher;
import dev.honker.spring.watch.Subscription;
import dev.honker.spring.watch.WatcherMode;
import dev.honker.spring.watch.WatcherOptions;

/**
 * A second process that only subscribes to the commit watcher of a database file and
 * prints {@code woke <System.nanoTime()>} on every wake: the floor under the listener's
 * wake latency. Arguments: the database file and the watcher mode ({@code auto},
 * {@code events} or {@code poll}).
 */
public final class WatcherProbeMain {

	private WatcherProbeMain() {
	}

	/** Watches {@code args[0]} in mode {@code args[1]} until killed. */
	public static void main(String[] args) throws InterruptedException {
		WatcherOptions options = WatcherOptions.DEFAULTS.withMode(WatcherMode.valueOf(args[1].toUpperCase(Locale.ROOT)));
		try (Subscription subscription = new SqliteDatabaseWatcher(Path.of(args[0]), options).subscribe()) {
			System.out.println("watcher ready");
			while (true) {
				if (subscription.await(null, Duration.ofHours(1))) {
					System.out.println("woke " + System.nanoTime());
				}
			}
		}
	}

}
