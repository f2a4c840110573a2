package dev.honker.spring.observation;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.common.KeyValues;

/**
 * The default convention of {@code honker.job}: queue, listener and outcome as
 * low-cardinality keys, job id and attempt as high-cardinality ones, and the contextual
 * name {@code <queue> process}.
 *
 * <p>
 * The contextual name and the low-cardinality key values depend only on the queue, the
 * listener and the outcome, so they are built once per queue and listener and reused for
 * every job, instead of being concatenated and sorted twice per job; a job's own key
 * values are built once, on the observation's start, and reused on its stop.
 */
public class DefaultHonkerJobObservationConvention implements HonkerJobObservationConvention {

	/** The shared instance. */
	public static final DefaultHonkerJobObservationConvention INSTANCE = new DefaultHonkerJobObservationConvention();

	/** The names and key values built so far, by queue, then by listener. */
	private final Map<String, Map<String, Names>> names = new ConcurrentHashMap<>();

	@Override
	public String getName() {
		return "honker.job";
	}

	@Override
	public String getContextualName(HonkerJobContext context) {
		return names(context).contextualName();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(HonkerJobContext context) {
		HonkerJobContext.Outcome outcome = context.getOutcome();
		Names names = names(context);
		return (outcome != null) ? names.byOutcome()[outcome.ordinal()] : names.running();
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(HonkerJobContext context) {
		KeyValues keyValues = context.jobKeyValues();
		if (keyValues == null) {
			keyValues = KeyValues.of(HonkerObservation.Keys.JOB_ID.withValue(Long.toString(context.getJobId())),
					HonkerObservation.Keys.ATTEMPT.withValue(Long.toString(context.getAttempt())));
			context.jobKeyValues(keyValues);
		}
		return keyValues;
	}

	private Names names(HonkerJobContext context) {
		Map<String, Names> ofQueue = this.names.get(context.getQueue());
		if (ofQueue == null) {
			ofQueue = this.names.computeIfAbsent(context.getQueue(), (queue) -> new ConcurrentHashMap<>());
		}
		Names found = ofQueue.get(context.getListenerId());
		if (found == null) {
			found = ofQueue.computeIfAbsent(context.getListenerId(),
					(listener) -> Names.of(context.getQueue(), listener));
		}
		return found;
	}

	/**
	 * The contextual name and low-cardinality key values of the jobs of one queue and
	 * listener: while running (outcome {@code none}) and for each outcome, by ordinal.
	 */
	private record Names(String contextualName, KeyValues running, KeyValues[] byOutcome) {

		static Names of(String queue, String listener) {
			HonkerJobContext.Outcome[] outcomes = HonkerJobContext.Outcome.values();
			KeyValues[] byOutcome = new KeyValues[outcomes.length];
			for (HonkerJobContext.Outcome outcome : outcomes) {
				byOutcome[outcome.ordinal()] = keyValues(queue, listener, outcome.tag());
			}
			return new Names(queue + " process", keyValues(queue, listener, "none"), byOutcome);
		}

		private static KeyValues keyValues(String queue, String listener, String outcome) {
			return KeyValues.of(HonkerObservation.Keys.QUEUE.withValue(queue),
					HonkerObservation.Keys.LISTENER.withValue(listener),
					HonkerObservation.Keys.OUTCOME.withValue(outcome));
		}

	}

}
