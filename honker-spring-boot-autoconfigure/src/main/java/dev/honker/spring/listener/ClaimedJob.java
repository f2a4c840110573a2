package dev.honker.spring.listener;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.honker.spring.core.JobTraceContexts;
import dev.honker.sqlite.ClaimedJobDetails;
import dev.honker.sqlite.HonkerTime;

/**
 * A job this worker has claimed, as honker_claim_batch returned it, plus its max_attempts
 * and run_at, and the trace context row stored at its enqueue when the listener reads
 * them ({@code null} otherwise).
 */
record ClaimedJob(long id, String queue, String payload, String workerId, long attempts, long maxAttempts, long runAt,
		long claimExpiresAt, JobTraceContexts.@Nullable Row traceContext) {

	HonkerJob metadata() {
		return new HonkerJob(this.id, this.queue, this.attempts, this.maxAttempts, HonkerTime.toInstant(this.runAt),
				HonkerTime.toInstant(this.claimExpiresAt), this.workerId);
	}

	/** This job with its {@code max_attempts} and {@code run_at}. */
	ClaimedJob withDetails(long maxAttempts, long runAt) {
		return new ClaimedJob(this.id, this.queue, this.payload, this.workerId, this.attempts, maxAttempts, runAt,
				this.claimExpiresAt, this.traceContext);
	}

	/**
	 * Replaces each job of {@code jobs} that has details with the job with its details; a
	 * job without (no longer live) stays as it is.
	 */
	static void addDetails(List<ClaimedJob> jobs, Map<Long, ClaimedJobDetails> details) {
		jobs.replaceAll(job -> {
			ClaimedJobDetails detail = details.get(job.id());
			return (detail != null) ? job.withDetails(detail.maxAttempts(), detail.runAt()) : job;
		});
	}

	/** This job with the trace context row stored at its enqueue, if any. */
	ClaimedJob withTraceContext(JobTraceContexts.@Nullable Row row) {
		return new ClaimedJob(this.id, this.queue, this.payload, this.workerId, this.attempts, this.maxAttempts,
				this.runAt, this.claimExpiresAt, row);
	}

}
