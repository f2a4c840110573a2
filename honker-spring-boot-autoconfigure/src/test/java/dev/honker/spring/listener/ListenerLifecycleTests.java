package dev.honker.spring.listener;

import static dev.honker.spring.listener.HonkerTestPool.enqueue;
import static dev.honker.spring.listener.HonkerTestPool.queryLong;
import static dev.honker.spring.listener.HonkerTestPool.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.honker.spring.watch.DatabaseWatcher;
import dev.honker.spring.watch.WatcherFailedException;

/** Heartbeats, graceful shutdown and the shutdown timeout. */
class ListenerLifecycleTests extends PooledDatabaseTests {

	private static final Duration LONG = Duration.ofSeconds(30);

	@Test
	void heartbeatsKeepALongJobClaimedPastItsVisibilityTimeout() {
		ListenerContexts.runner(this.pool)
			.withBean(Blocking.class)
			.withPropertyValues("honker.listener.visibility-timeout=1s", "honker.listener.concurrency=2")
			.run(context -> {
				Blocking listener = context.getBean(Blocking.class);
				long id = enqueue(this.pool, "slow", "{}", 3);
				await().atMost(LONG).until(() -> listener.started.size() == 1);
				long firstExpiry = claimExpiresAt(id);
				await().atMost(LONG).until(() -> claimExpiresAt(id) >= firstExpiry + 3);
				assertThat(listener.started).as("runs of the job; a second one means it was reclaimed").hasSize(1);
				assertThat(queryLong(this.pool, "SELECT attempts FROM _honker_live WHERE id = ?", id)).isEqualTo(1);
				listener.release.countDown();
				await().atMost(LONG).until(() -> queryLong(this.pool, "SELECT count(*) FROM _honker_live") == 0);
				assertThat(listener.started).hasSize(1);
				assertThat(listener.finished).containsExactly(id);
			});
	}

	@Test
	void gracefulShutdownStopsClaimingAndFinishesRunningJobs() {
		ListenerContexts.runner(this.pool)
			.withBean(Blocking.class)
			.withPropertyValues("honker.listener.concurrency=2")
			.run(context -> {
				Blocking listener = context.getBean(Blocking.class);
				HonkerListenerContainer container = context.getBean(HonkerListenerEndpointRegistry.class)
					.getListenerContainer("slow", HonkerListenerContainer.class);
				long first = enqueue(this.pool, "slow", "{}", 3);
				long second = enqueue(this.pool, "slow", "{}", 3);
				await().atMost(LONG).until(() -> listener.started.size() == 2);
				CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
				await().atMost(LONG).until(() -> !container.isRunning());
				long late = enqueue(this.pool, "slow", "{}", 3);
				await().during(Duration.ofMillis(500))
					.atMost(LONG)
					.until(() -> listener.started.size() == 2
							&& queryLong(this.pool, "SELECT attempts FROM _honker_live WHERE id = ?", late) == 0);
				assertThat(closing).isNotDone();
				listener.release.countDown();
				closing.get(LONG.toSeconds(), TimeUnit.SECONDS);
				assertThat(listener.finished).containsExactlyInAnyOrder(first, second);
				assertThat(queryLong(this.pool, "SELECT count(*) FROM _honker_live")).isEqualTo(1);
				assertThat(queryString(this.pool, "SELECT state FROM _honker_live WHERE id = ?", late))
					.isEqualTo("pending");
			});
	}

	@Test
	void jobStillRunningAtTheShutdownTimeoutIsNotAcknowledgedAndRunsAgainLater() {
		long[] job = new long[1];
		String[] firstWorker = new String[1];
		ListenerContexts.runner(this.pool)
			.withBean(Blocking.class)
			.withPropertyValues("honker.listener.shutdown-timeout=1s", "honker.listener.visibility-timeout=1s")
			.run(context -> {
				Blocking listener = context.getBean(Blocking.class);
				job[0] = enqueue(this.pool, "slow", "{}", 3);
				await().atMost(LONG).until(() -> listener.started.size() == 1);
				firstWorker[0] = queryString(this.pool, "SELECT worker_id FROM _honker_live WHERE id = ?", job[0]);
				context.close();
				assertThat(listener.finished).isEmpty();
				await().atMost(LONG)
					.untilAsserted(
							() -> assertThat(listener.interrupted).as("handler interrupted after the shutdown timeout")
								.hasValue(1));
				assertThat(queryString(this.pool,
						"SELECT state || ' ' || attempts || ' ' || worker_id FROM _honker_live " + "WHERE id = ?",
						job[0]))
					.isEqualTo("processing 1 " + firstWorker[0]);
				assertThat(queryLong(this.pool, "SELECT count(*) FROM _honker_dead")).isZero();
			});
		ListenerContexts.runner(this.pool)
			.withBean(Finishing.class)
			.withPropertyValues("honker.listener.visibility-timeout=1s")
			.run(context -> {
				Finishing listener = context.getBean(Finishing.class);
				await().atMost(LONG).until(() -> queryLong(this.pool, "SELECT count(*) FROM _honker_live") == 0);
				assertThat(listener.jobs).extracting(HonkerJob::id, HonkerJob::attempts)
					.containsExactly(tuple(job[0], 2L));
				assertThat(listener.jobs.get(0).workerId()).isNotEqualTo(firstWorker[0]);
			});
	}

	@Test
	void replacedDatabaseFileStopsTheListenerAndReportsWhy() {
		ListenerContexts.runner(this.pool).withBean(Finishing.class).run(context -> {
			HonkerListenerContainer container = context.getBean(HonkerListenerEndpointRegistry.class)
				.getListenerContainer("finishing", HonkerListenerContainer.class);
			assertThat(container.isRunning()).isTrue();
			HonkerTestPool.replaceDatabaseFile(this.dir.resolve("app.db"));
			await().atMost(LONG).until(() -> !container.isRunning());
			assertThat(container.getFailure())
				.hasValueSatisfying(failure -> assertThat(failure).isInstanceOf(WatcherFailedException.class)
					.hasMessageContaining("database file replaced"));
			assertThat(context.getBean(DatabaseWatcher.class).failure()).isPresent();
			CountDownLatch stopped = new CountDownLatch(1);
			container.stop(stopped::countDown);
			assertThat(stopped.getCount()).as("stop callback of a container that already ended").isZero();
		});
	}

	private long claimExpiresAt(long id) throws Exception {
		return queryLong(this.pool, "SELECT claim_expires_at FROM _honker_live WHERE id = ?", id);
	}

	static class Blocking {

		final List<Long> started = new CopyOnWriteArrayList<>();

		final List<Long> finished = new CopyOnWriteArrayList<>();

		final AtomicInteger interrupted = new AtomicInteger();

		final CountDownLatch release = new CountDownLatch(1);

		@HonkerListener(queue = "slow", id = "slow")
		void handle(HonkerJob job) throws InterruptedException {
			this.started.add(job.id());
			try {
				this.release.await();
			}
			catch (InterruptedException ex) {
				this.interrupted.incrementAndGet();
				throw ex;
			}
			this.finished.add(job.id());
		}

	}

	static class Finishing {

		final List<HonkerJob> jobs = new CopyOnWriteArrayList<>();

		@HonkerListener(queue = "slow", id = "finishing")
		void handle(HonkerJob job) {
			this.jobs.add(job);
		}

	}

}
