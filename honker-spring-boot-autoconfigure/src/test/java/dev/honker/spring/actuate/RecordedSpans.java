package dev.honker.spring.actuate;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.TraceContext;

/**
 * An in-memory span exporter: a Brave {@link SpanHandler} that keeps every finished span
 * and, when asked, prints it as one line ({@code span <trace> <id> <parent> <name>}) for
 * a parent process to read.
 */
public class RecordedSpans extends SpanHandler {

	private final List<Span> spans = new CopyOnWriteArrayList<>();

	private final boolean print;

	RecordedSpans(boolean print) {
		this.print = print;
	}

	@Override
	public boolean end(TraceContext context, MutableSpan span, Cause cause) {
		Span finished = new Span(context.traceIdString(), context.spanIdString(),
				(context.parentIdString() != null) ? context.parentIdString() : "-", span.name());
		this.spans.add(finished);
		if (this.print) {
			System.out.println(finished.line());
		}
		return true;
	}

	List<Span> spans() {
		return List.copyOf(this.spans);
	}

	/** A finished span. */
	record Span(String traceId, String spanId, String parentId, String name) {

		String line() {
			return "span " + this.traceId + " " + this.spanId + " " + this.parentId + " " + this.name;
		}

		static Span parse(String line) {
			String[] parts = line.split(" ", 5);
			return new Span(parts[1], parts[2], parts[3], parts[4]);
		}

	}

}
