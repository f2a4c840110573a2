package dev.honker.spring.stream;

/**
 * Where a stream consumer that has saved no offset yet starts: at the first event of the
 * topic, after its latest event, or after an explicit offset. A consumer with a saved
 * offset always resumes after it.
 *
 * @param kind where to start
 * @param offset the offset to start after, for {@link Kind#AFTER_OFFSET}
 */
public record StreamStartPosition(Kind kind, long offset) {

	/** The kinds of start position. */
	public enum Kind {

		/** The first event of the topic: the whole topic is replayed. */
		EARLIEST,
		/** After the topic's latest event when the consumer first starts. */
		LATEST,
		/** After an explicit offset. */
		AFTER_OFFSET

	}

	/** Validates the offset. */
	public StreamStartPosition {
		if (kind == null) {
			throw new IllegalArgumentException("kind must not be null");
		}
		if (offset < 0) {
			throw new IllegalArgumentException("start offset must not be negative, got " + offset);
		}
	}

	/** The first event of the topic. */
	public static StreamStartPosition earliest() {
		return new StreamStartPosition(Kind.EARLIEST, 0);
	}

	/** After the topic's latest event. */
	public static StreamStartPosition latest() {
		return new StreamStartPosition(Kind.LATEST, 0);
	}

	/** After {@code offset}: the first event handled is the next one above it. */
	public static StreamStartPosition afterOffset(long offset) {
		return new StreamStartPosition(Kind.AFTER_OFFSET, offset);
	}

	/**
	 * Reads {@code earliest}, {@code latest} (any case) or a non-negative offset.
	 * @throws IllegalArgumentException naming the value when it is none of these
	 */
	public static StreamStartPosition parse(String value) {
		String text = (value != null) ? value.trim() : "";
		if (text.equalsIgnoreCase("earliest")) {
			return earliest();
		}
		if (text.equalsIgnoreCase("latest")) {
			return latest();
		}
		try {
			long offset = Long.parseLong(text);
			if (offset >= 0) {
				return afterOffset(offset);
			}
		}
		catch (NumberFormatException ex) {
			// not an offset either
		}
		throw new IllegalArgumentException(
				"unknown start position '" + value + "'; use earliest, latest or an offset (0 or more)");
	}

}
