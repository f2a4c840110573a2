package dev.honker.spring.observation;

import org.jspecify.annotations.Nullable;
import java.time.Instant;
import java.util.Map;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;

/**
 * The context of one run of a claimed job by a listener. Its carrier holds the trace
 * context stored when the job was enqueued (empty when there is none), from which a
 * tracing handler continues the enqueueing trace. {@link #getOutcome()} is set when the
 * handler has finished.
 */
public class HonkerJobContext extends ReceiverContext<Map<String, String>> {

	private final long jobId;

	private final String queue;

	private final String listenerId;

	private final long attempt;

	private final Instant runAt;

	private final Instant claimedAt;

	private final @Nullable Instant enqueuedAt;

	private @Nullable Outcome outcome;

	/**
	 * The job's high-cardinality key values of the default convention, built on the
	 * observation's start and reused on its stop.
	 */
	private @Nullable KeyValues jobKeyValues;

	/**
	 * Creates the context of a claimed job.
	 * @param jobId the job id
	 * @param queue the queue name
	 * @param listenerId the listener id
	 * @param attempt this attempt's number, from 1
	 * @param runAt when the job became claimable
	 * @param claimedAt when this worker started the attempt, just after the claim
	 * @param carrier the stored trace context of the enqueue, possibly empty
	 * @param enqueuedAt when the job was enqueued, to the millisecond, or {@code null}
	 * when unknown (no trace context was stored)
	 */
	public HonkerJobContext(long jobId, String queue, String listenerId, long attempt, Instant runAt, Instant claimedAt,
			Map<String, String> carrier, @Nullable Instant enqueuedAt) {
		super((entries, key) -> entries.get(key), Kind.CONSUMER);
		setCarrier(Map.copyOf(carrier));
		this.jobId = jobId;
		this.queue = queue;
		this.listenerId = listenerId;
		this.attempt = attempt;
		this.runAt = runAt;
		this.claimedAt = claimedAt;
		this.enqueuedAt = enqueuedAt;
		setRemoteServiceName("honker");
	}

	/** The job id. */
	public long getJobId() {
		return this.jobId;
	}

	/** The queue name. */
	public String getQueue() {
		return this.queue;
	}

	/** The listener id. */
	public String getListenerId() {
		return this.listenerId;
	}

	/** This attempt's number, from 1. */
	public long getAttempt() {
		return this.attempt;
	}

	/** When the job became claimable ({@code run_at}). */
	public Instant getRunAt() {
		return this.runAt;
	}

	/** When this worker started the attempt, just after the claim. */
	public Instant getClaimedAt() {
		return this.claimedAt;
	}

	/** When the job was enqueued, or {@code null} when unknown. */
	public @Nullable Instant getEnqueuedAt() {
		return this.enqueuedAt;
	}

	/** How the job ended, or {@code null} while the handler runs. */
	public @Nullable Outcome getOutcome() {
		return this.outcome;
	}

	/**
	 * Records how the job ended.
	 * @param outcome the outcome
	 */
	public void setOutcome(Outcome outcome) {
		this.outcome = outcome;
	}

	@Nullable KeyValues jobKeyValues() {
		return this.jobKeyValues;
	}

	void jobKeyValues(KeyValues keyValues) {
		this.jobKeyValues = keyValues;
	}

	/** How a run of a job ended, the {@code outcome} tag of metrics and observations. */
	public enum Outcome {

		/** The handler returned; the job is (or is about to be) acknowledged. */
		SUCCESS("success"),
		/** The handler failed and the job was scheduled to run again. */
		RETRY("retry"),
		/** The handler failed and the job went to the dead table. */
		DEAD("dead"),
		/** The handler failed and the job moved to another queue. */
		MOVED("moved"),
		/** The handler failed and the error handler acknowledged the job. */
		DISCARDED("discarded"),
		/** Nothing was recorded (claim lost, shutdown gave up); it runs again later. */
		ABANDONED("abandoned");

		private final String tag;

		Outcome(String tag) {
			this.tag = tag;
		}

		/** The tag value. */
		public String tag() {
			return this.tag;
		}

	}

}
