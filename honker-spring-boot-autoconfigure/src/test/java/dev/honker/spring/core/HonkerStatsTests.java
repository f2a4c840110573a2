package dev.honker.spring.core;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.honker.spring.listener.HonkerTestPool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link HonkerStats} on a real SQLite file: every count, the dead-job pages, schedules,
 * stream consumers, the job reads of the dashboard (keyset pages, one job, workers,
 * counters), and the query plans (indexes only, except the dead table).
 */
class HonkerStatsTests {

	private static final long NOW = 1_800_000_000L;

	@TempDir
	Path directory;

	private HikariDataSource pool;

	private JdbcTemplate jdbc;

	private HonkerStats stats;

	@BeforeEach
	void open() {
		this.pool = HonkerTestPool.pool(this.directory.resolve("app.db"));
		this.jdbc = new JdbcTemplate(this.pool);
		this.stats = new HonkerStats(this.pool, Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
	}

	@AfterEach
	void close() {
		this.pool.close();
	}

	@Test
	void countsEachStateOfAQueue() {
		pending("mail", NOW - 90);
		pending("mail", NOW - 30);
		pending("mail", NOW);
		pending("mail", NOW + 60);
		processing("mail", NOW + 100);
		processing("mail", NOW - 1);
		processing("mail", NOW - 5);
		dead(1000, "mail");
		dead(1001, "mail");
		pending("other", NOW + 5);
		assertThat(this.stats.queue("mail"))
			.isEqualTo(new QueueStats("mail", 4, 3, 1, 3, 2, 2, Duration.ofSeconds(90)));
		assertThat(this.stats.queue("other")).isEqualTo(new QueueStats("other", 1, 0, 1, 0, 0, 0, Duration.ZERO));
		assertThat(this.stats.queue("nothing")).isEqualTo(QueueStats.empty("nothing"));
	}

	@Test
	void listsEveryQueueWithLiveOrDeadJobs() {
		pending("b", NOW);
		processing("a", NOW + 10);
		dead(1000, "c");
		dead(1001, "b");
		assertThat(this.stats.liveQueueNames()).containsExactly("a", "b");
		assertThat(this.stats.queues()).containsExactly(new QueueStats("a", 0, 0, 0, 1, 0, 0, Duration.ZERO),
				new QueueStats("b", 1, 1, 0, 0, 0, 1, Duration.ZERO),
				new QueueStats("c", 0, 0, 0, 0, 0, 1, Duration.ZERO));
	}

	@Test
	void pagesDeadJobsNewestFirst() {
		for (long id = 1; id <= 5; id++) {
			dead(id, "mail");
		}
		dead(6, "other");
		DeadJobPage first = this.stats.deadJobs("mail", null, 2);
		assertThat(first.jobs()).extracting(DeadJob::id).containsExactly(5L, 4L);
		assertThat(first.nextBefore()).isEqualTo(4L);
		DeadJobPage second = this.stats.deadJobs("mail", first.nextBefore(), 2);
		assertThat(second.jobs()).extracting(DeadJob::id).containsExactly(3L, 2L);
		DeadJobPage last = this.stats.deadJobs("mail", second.nextBefore(), 2);
		assertThat(last.jobs()).extracting(DeadJob::id).containsExactly(1L);
		assertThat(last.nextBefore()).isNull();
		DeadJob job = last.jobs().get(0);
		assertThat(job.queue()).isEqualTo("mail");
		assertThat(job.payload()).isEqualTo("{\"n\":1}");
		assertThat(job.lastError()).isEqualTo("boom 1");
		assertThat(job.attempts()).isEqualTo(3);
	}

	@Test
	void readsSchedulesAndStreamConsumers() {
		this.jdbc.queryForObject("SELECT honker_scheduler_register('nightly', 'reports', '0 0 3 * * *', '{}', 0, NULL)",
				Long.class);
		this.jdbc.queryForObject("SELECT honker_scheduler_register('often', 'pings', '@every 10s', '{}', 0, NULL)",
				Long.class);
		this.jdbc.queryForObject("SELECT honker_scheduler_pause('often')", Long.class);
		for (int i = 0; i < 5; i++) {
			this.jdbc.queryForObject("SELECT honker_stream_publish('orders', NULL, '{}')", Long.class);
		}
		this.jdbc.queryForObject("SELECT honker_stream_publish('other', NULL, '{}')", Long.class);
		this.jdbc.queryForObject("SELECT honker_stream_save_offset('billing', 'orders', 2)", Long.class);
		List<ScheduleStats> schedules = this.stats.schedules();
		assertThat(schedules).extracting(ScheduleStats::name).containsExactly("nightly", "often");
		assertThat(schedules).extracting(ScheduleStats::paused).containsExactly(false, true);
		assertThat(schedules.get(0).queue()).isEqualTo("reports");
		assertThat(schedules.get(0).nextFireAt()).isAfter(Instant.now().minusSeconds(1));
		assertThat(this.stats.streamConsumers()).containsExactly(new StreamConsumerStats("billing", "orders", 2, 3));
	}

	@Test
	void refusesBadArguments() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.stats.queue(" "))
			.withMessage("queue must not be empty, got ' '");
		assertThatIllegalArgumentException().isThrownBy(() -> this.stats.deadJobs("q", null, 0))
			.withMessage("limit must be between 1 and 1000, got 0");
		assertThatIllegalArgumentException().isThrownBy(() -> this.stats.deadJobs(null, null, 10))
			.withMessage("queue must not be empty, got null");
	}

	@Test
	void liveCountsAndQueueNamesReadOnlyIndexes() {
		for (int i = 0; i < 200; i++) {
			pending("q" + (i % 4), NOW - i);
		}
		this.jdbc.execute("ANALYZE");
		for (String sql : List.of(HonkerStats.LIVE_COUNTS, HonkerStats.QUEUE_NAMES)) {
			List<String> plan = plan(sql);
			assertThat(plan).as(sql).noneMatch(line -> line.contains("SCAN _honker_live"));
			assertThat(plan).as(sql).anyMatch(line -> line.startsWith("SEARCH _honker_live USING"));
		}
		assertThat(plan(HonkerStats.LIVE_COUNTS)).filteredOn(line -> line.contains("SEARCH _honker_live"))
			.hasSize(5)
			.allMatch(line -> line.contains("COVERING INDEX _honker_live_pending_deadline (queue=? AND run_at")
					|| line.contains("COVERING INDEX _honker_live_processing_deadline (queue=?"));
		assertThat(plan(HonkerStats.STREAM_CONSUMERS)).anyMatch(line -> line.contains("_honker_stream_topic"));
		assertThat(plan(HonkerStats.STREAM_TOPICS)).filteredOn(line -> line.contains("_honker_stream"))
			.isNotEmpty()
			.allMatch(line -> line.contains("COVERING INDEX _honker_stream_topic"));
	}

	@Test
	void deadCountsReadThisProjectsIndexWhenItExists() {
		for (int i = 1; i <= 50; i++) {
			dead(i, "q" + (i % 3));
		}
		// Honker 0.4 gives the dead table no index: the counts scan it
		assertThat(plan(HonkerStats.DEAD_COUNTS)).anyMatch(line -> line.equals("SCAN _honker_dead"));
		this.jdbc.execute(HonkerStats.DEAD_QUEUE_INDEX);
		this.jdbc.execute(HonkerStats.DEAD_QUEUE_INDEX);
		this.jdbc.execute("ANALYZE");
		assertThat(plan(HonkerStats.DEAD_COUNTS))
			.containsExactly("SCAN _honker_dead USING COVERING INDEX honker_spring_dead_queue");
		assertThat(plan(HonkerStats.DEAD_COUNT))
			.containsExactly("SEARCH _honker_dead USING COVERING INDEX honker_spring_dead_queue (queue=?)");
		assertThat(this.stats.queue("q1").dead()).isEqualTo(17);
		assertThat(this.stats.queues()).extracting(QueueStats::dead).containsExactly(16L, 17L, 17L);
	}

	@Test
	void changeStampChangesWithJobsSchedulesAndStreamsButNotWithALockRenewal() {
		this.jdbc.queryForObject("SELECT honker_scheduler_register('often', 'pings', '@every 10s', '{}', 0, NULL)",
				Long.class);
		List<String> stamps = new ArrayList<>();
		stamps.add(this.stats.changeStamp());
		long first = this.jdbc.queryForObject("SELECT honker_enqueue('mail', '{}', NULL, NULL, 0, 3, NULL)",
				Long.class);
		stamps.add(this.stats.changeStamp());
		this.jdbc.queryForObject("SELECT honker_enqueue('mail', '{}', NULL, NULL, 0, 3, NULL)", Long.class);
		stamps.add(this.stats.changeStamp());
		this.jdbc.queryForObject("SELECT honker_claim_batch('mail', 'w1', 1, 300)", String.class);
		stamps.add(this.stats.changeStamp());
		this.jdbc.queryForObject("SELECT honker_heartbeat(?, 'w1', 900)", Long.class, first);
		stamps.add(this.stats.changeStamp());
		// an acknowledgement and a claim that leave as many jobs processing
		this.jdbc.queryForObject("SELECT honker_ack(?, 'w1')", Long.class, first);
		this.jdbc.queryForObject("SELECT honker_claim_batch('mail', 'w1', 1, 900)", String.class);
		stamps.add(this.stats.changeStamp());
		this.jdbc.queryForObject("SELECT honker_fail(?, 'w1', 'boom')", Long.class, first + 1);
		stamps.add(this.stats.changeStamp());
		new HonkerDeadLetters(this.pool).requeue(first + 1);
		stamps.add(this.stats.changeStamp());
		// a claim and its acknowledgement between two readings
		this.jdbc.queryForObject("SELECT honker_claim_batch('mail', 'w1', 1, 300)", String.class);
		this.jdbc.queryForObject("SELECT honker_ack(?, 'w1')", Long.class, first + 1);
		stamps.add(this.stats.changeStamp());
		// a claim acknowledged in its own transaction
		long third = this.jdbc.queryForObject("SELECT honker_enqueue('mail', '{}', NULL, NULL, 0, 3, NULL)",
				Long.class);
		stamps.add(this.stats.changeStamp());
		new TransactionTemplate(new JdbcTransactionManager(this.pool)).executeWithoutResult(status -> {
			this.jdbc.queryForObject("SELECT honker_claim_batch('mail', 'w1', 1, 300)", String.class);
			this.jdbc.queryForObject("SELECT honker_ack(?, 'w1')", Long.class, third);
		});
		stamps.add(this.stats.changeStamp());
		this.jdbc.queryForObject("SELECT honker_scheduler_pause('often')", Long.class);
		stamps.add(this.stats.changeStamp());
		this.jdbc.queryForObject("SELECT honker_stream_publish('orders', NULL, '{}')", Long.class);
		stamps.add(this.stats.changeStamp());
		this.jdbc.queryForObject("SELECT honker_stream_save_offset('billing', 'orders', 1)", Long.class);
		stamps.add(this.stats.changeStamp());
		for (int i = 1; i < stamps.size(); i++) {
			assertThat(stamps.get(i)).as("after change %d", i).isNotEqualTo(stamps.get(i - 1));
		}
		String before = this.stats.changeStamp();
		this.jdbc.queryForObject("SELECT honker_lock_acquire('honker-scheduler', 'leader', 60)", Long.class);
		this.jdbc.queryForObject("SELECT honker_lock_renew('honker-scheduler', 'leader', 60)", Long.class);
		assertThat(this.stats.changeStamp()).as("after a lock renewal").isEqualTo(before);
		assertThat(plan(HonkerStats.CHANGE_STAMP)).filteredOn(line -> line.contains("_honker_live"))
			.hasSize(3)
			.allMatch(line -> line.contains("COVERING INDEX _honker_live_processing_deadline"));
		assertThat(plan(HonkerStats.NEXT_CLAIM)).anyMatch(line -> line.contains("USING INDEX _honker_live_claim"))
			.noneMatch(line -> line.contains("TEMP B-TREE"));
	}

	private List<String> plan(String sql) {
		List<String> lines = new ArrayList<>();
		String explained = "EXPLAIN QUERY PLAN " + sql.replace("?1", "'q1'").replace("?2", "1").replace("?", "'q1'");
		this.jdbc.query(explained, (ResultSet row) -> {
			lines.add(row.getString("detail"));
		});
		return lines;
	}

	private void pending(String queue, long runAt) {
		this.jdbc.update("INSERT INTO _honker_live (queue, payload, run_at) VALUES (?, '{}', ?)", queue, runAt);
	}

	private void processing(String queue, long claimExpiresAt) {
		this.jdbc.update("INSERT INTO _honker_live (queue, payload, state, worker_id, claim_expires_at, attempts) "
				+ "VALUES (?, '{}', 'processing', 'w', ?, 1)", queue, claimExpiresAt);
	}

	private void dead(long id, String queue) {
		this.jdbc.update(
				"INSERT INTO _honker_dead (id, queue, payload, priority, run_at, max_attempts, attempts, "
						+ "last_error, created_at) VALUES (?, ?, ?, 0, ?, 3, 3, ?, ?)",
				id, queue, "{\"n\":" + id + "}", NOW, "boom " + id, NOW - 100);
	}

	@Test
	void pagesPendingJobsByRunAtThenId() {
		List<Long> expected = new ArrayList<>();
		for (int i = 0; i < 7; i++) {
			expected.add(pendingJob("mail", NOW + (i % 3), "{\"n\":" + i + "}"));
		}
		pendingJob("other", NOW, "{}");
		processingJob("mail", NOW + 30, "w1");
		expected.sort((a, b) -> Long.compare(runAt(a) * 1_000_000 + a, runAt(b) * 1_000_000 + b));
		List<Long> seen = new ArrayList<>();
		JobCursor cursor = null;
		int pages = 0;
		do {
			LiveJobPage page = this.stats.liveJobs("mail", LiveJobState.PENDING, cursor, 3);
			page.jobs().forEach(job -> seen.add(job.id()));
			assertThat(page.jobs()).allMatch(job -> job.state().equals("pending") && job.queue().equals("mail"));
			cursor = page.next();
			pages++;
		}
		while (cursor != null);
		assertThat(seen).isEqualTo(expected);
		assertThat(pages).isEqualTo(3);
		LiveJob first = this.stats.liveJobs("mail", LiveJobState.PENDING, null, 1).jobs().get(0);
		assertThat(first.runAt()).isEqualTo(Instant.ofEpochSecond(NOW));
		assertThat(first.workerId()).isNull();
		assertThat(first.claimExpiresAt()).isNull();
		assertThat(JobCursor.parse(new JobCursor(NOW, 42).toString())).isEqualTo(new JobCursor(NOW, 42));
	}

	@Test
	void pagesProcessingJobsByClaimExpiryAndCutsLongPayloads() {
		String longPayload = "\"" + "x".repeat(500) + "\"";
		long late = processingJob("mail", NOW + 60, "worker-b");
		long early = processingJob("mail", NOW + 10, "worker-a");
		this.jdbc.update("UPDATE _honker_live SET payload = ? WHERE id = ?", longPayload, early);
		LiveJobPage page = this.stats.liveJobs("mail", LiveJobState.PROCESSING, null, 1);
		assertThat(page.jobs()).extracting(LiveJob::id).containsExactly(early);
		assertThat(page.jobs().get(0).workerId()).isEqualTo("worker-a");
		assertThat(page.jobs().get(0).payloadPreview()).hasSize(HonkerStats.PAYLOAD_PREVIEW_LENGTH);
		assertThat(page.next()).isEqualTo(new JobCursor(NOW + 10, early));
		LiveJobPage next = this.stats.liveJobs("mail", LiveJobState.PROCESSING, page.next(), 1);
		assertThat(next.jobs()).extracting(LiveJob::id).containsExactly(late);
		assertThat(next.next()).isNull();
	}

	@Test
	void readsOneJobLiveOrDead() {
		long live = processingJob("mail", NOW + 10, "w1");
		this.jdbc.update(
				"INSERT INTO _honker_dead (id, queue, payload, priority, run_at, max_attempts, attempts, "
						+ "last_error, created_at) VALUES (9000, 'mail', '{\"a\":1}', 2, ?, 3, 3, 'boom', ?)",
				NOW, NOW - 5);
		JobDetails details = this.stats.job(live).orElseThrow();
		assertThat(details.state()).isEqualTo("processing");
		assertThat(details.workerId()).isEqualTo("w1");
		assertThat(details.claimExpiresAt()).isEqualTo(Instant.ofEpochSecond(NOW + 10));
		assertThat(details.lastError()).isNull();
		assertThat(details.isDead()).isFalse();
		JobDetails dead = this.stats.job(9000).orElseThrow();
		assertThat(dead.isDead()).isTrue();
		assertThat(dead.payload()).isEqualTo("{\"a\":1}");
		assertThat(dead.lastError()).isEqualTo("boom");
		assertThat(dead.priority()).isEqualTo(2);
		assertThat(dead.createdAt()).isEqualTo(Instant.ofEpochSecond(NOW - 5));
		assertThat(dead.diedAt()).isNotNull();
		assertThat(this.stats.job(123456)).isEmpty();
	}

	@Test
	void listsTheWorkersHoldingClaims() {
		processingJob("mail", NOW + 10, "host:1:mailer:a");
		processingJob("mail", NOW + 20, "host:1:mailer:a");
		processingJob("sms", NOW + 5, "host:2:sms:b");
		pendingJob("mail", NOW, "{}");
		assertThat(this.stats.workers()).containsExactly(
				new WorkerClaims("mail", "host:1:mailer:a", 2, Instant.ofEpochSecond(NOW + 20)),
				new WorkerClaims("sms", "host:2:sms:b", 1, Instant.ofEpochSecond(NOW + 5)));
	}

	@Test
	void countersTellCompletedAndDeadJobsApart() {
		JobCounters empty = this.stats.counters();
		assertThat(empty).isEqualTo(new JobCounters(Instant.ofEpochSecond(NOW), 0, 0, 0));
		long a = pendingJob("mail", NOW, "{}");
		long b = pendingJob("mail", NOW, "{}");
		long c = pendingJob("mail", NOW, "{}");
		pendingJob("mail", NOW, "{}");
		JobCounters before = this.stats.counters();
		assertThat(before.enqueued()).isEqualTo(4);
		assertThat(before.live()).isEqualTo(4);
		this.jdbc.update("DELETE FROM _honker_live WHERE id IN (?, ?)", a, b);
		this.jdbc.update("INSERT INTO _honker_dead (id, queue, payload) SELECT id, queue, payload FROM _honker_live"
				+ " WHERE id = ?", c);
		this.jdbc.update("DELETE FROM _honker_live WHERE id = ?", c);
		pendingJob("mail", NOW, "{}");
		JobCounters after = this.stats.counters();
		assertThat(after.completedSince(before)).isEqualTo(2);
		assertThat(after.deadSince(before)).isEqualTo(1);
		new HonkerDeadLetters(this.pool).requeue(c);
		JobCounters requeued = this.stats.counters();
		assertThat(requeued.completedSince(after)).isZero();
		assertThat(requeued.deadSince(after)).isZero();
	}

	@Test
	void pagesReadTheirPartialIndexes() {
		for (int i = 0; i < 200; i++) {
			pendingJob("q" + (i % 4), NOW - i, "{}");
		}
		this.jdbc.execute("ANALYZE");
		assertThat(pagePlan(HonkerStats.PENDING_PAGE))
			.anyMatch(line -> line.contains("USING INDEX _honker_live_pending_deadline (queue=? AND run_at>?)"))
			.noneMatch(line -> line.contains("TEMP B-TREE"));
		assertThat(pagePlan(HonkerStats.PROCESSING_PAGE)).anyMatch(
				line -> line.contains("USING INDEX _honker_live_processing_deadline (queue=? AND claim_expires_at>?)"))
			.noneMatch(line -> line.contains("TEMP B-TREE"));
		assertThat(pagePlan(HonkerStats.WORKERS)).anyMatch(line -> line.contains("_honker_live_processing_deadline"));
		assertThat(pagePlan(HonkerStats.COUNTERS)).filteredOn(line -> line.contains("_honker_live "))
			.hasSize(2)
			.allMatch(line -> line.contains("COVERING INDEX _honker_live_pending_deadline")
					|| line.contains("COVERING INDEX _honker_live_processing_deadline"));
	}

	@Test
	void rejectsBadArguments() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.stats.liveJobs("", LiveJobState.PENDING, null, 5))
			.withMessage("queue must not be empty, got ''");
		assertThatIllegalArgumentException().isThrownBy(() -> this.stats.liveJobs("q", LiveJobState.PENDING, null, 0))
			.withMessage("limit must be between 1 and 1000, got 0");
		assertThatIllegalArgumentException().isThrownBy(() -> this.stats.liveJobs("q", null, null, 5))
			.withMessage("state must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> JobCursor.parse("12-3"))
			.withMessage("cursor must be of the form <position>.<id>, got '12-3'");
		assertThatIllegalArgumentException().isThrownBy(() -> new HonkerDeadLetters(this.pool).deleteAll(" "))
			.withMessage("queue must not be empty, got ' '");
	}

	private List<String> pagePlan(String sql) {
		List<String> lines = new ArrayList<>();
		String explained = "EXPLAIN QUERY PLAN "
				+ sql.replace("?1", "'q1'").replace("?2", "1").replace("?3", "1").replace("?4", "10");
		this.jdbc.query(explained, (ResultSet row) -> {
			lines.add(row.getString("detail"));
		});
		return lines;
	}

	private long runAt(long id) {
		return this.jdbc.queryForObject("SELECT run_at FROM _honker_live WHERE id = ?", Long.class, id);
	}

	private long pendingJob(String queue, long runAt, String payload) {
		return this.jdbc.queryForObject(
				"INSERT INTO _honker_live (queue, payload, run_at) VALUES (?, ?, ?) RETURNING id", Long.class, queue,
				payload, runAt);
	}

	private long processingJob(String queue, long claimExpiresAt, String worker) {
		return this.jdbc.queryForObject(
				"INSERT INTO _honker_live (queue, payload, state, worker_id, claim_expires_at, attempts) "
						+ "VALUES (?, '{}', 'processing', ?, ?, 1) RETURNING id",
				Long.class, queue, worker, claimExpiresAt);
	}

}
