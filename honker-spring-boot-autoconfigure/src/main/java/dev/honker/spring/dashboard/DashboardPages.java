package dev.honker.spring.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;
import org.springframework.web.util.HtmlUtils;

/**
 * The dashboard's HTML pages and assets, from the static resources beside this class.
 * Every page is the same small HTML shell, told which view to show; the script fills it
 * from the JSON API. Unknown queues and jobs get a 404 page written here, every value
 * HTML-escaped.
 */
final class DashboardPages {

	private static final String RESOURCES = "dev/honker/spring/dashboard/static/";

	private static final Map<String, MediaType> ASSETS = Map.of("dashboard.js",
			MediaType.parseMediaType("text/javascript;charset=UTF-8"), "dashboard.css",
			MediaType.parseMediaType("text/css;charset=UTF-8"));

	private final String base;

	private final String shell;

	private final String notFound;

	DashboardPages(String base) {
		this.base = base;
		this.shell = read("index.html");
		this.notFound = read("not-found.html");
	}

	ServerResponse page(ServerRequest request, String view, String subject) {
		String[] csrf = CsrfTokens.headerAndToken(request);
		String html = fill(this.shell, Map.of("view", view, "subject", subject, "csrfHeader",
				(csrf != null) ? csrf[0] : "", "csrfToken", (csrf != null) ? csrf[1] : ""));
		return html(HttpStatus.OK, html);
	}

	ServerResponse notFound(String title, String message) {
		return html(HttpStatus.NOT_FOUND, fill(this.notFound, Map.of("title", title, "message", message)));
	}

	ServerResponse asset(ServerRequest request) {
		String name = request.pathVariable("name");
		MediaType type = ASSETS.get(name);
		if (type == null) {
			return notFound("Not found", "There is no dashboard asset '" + name + "'.");
		}
		return ServerResponse.ok()
			.contentType(type)
			.cacheControl(CacheControl.noCache())
			.body(new ClassPathResource(RESOURCES + name));
	}

	private String fill(String template, Map<String, String> values) {
		String html = template.replace("{{base}}", HtmlUtils.htmlEscape(this.base));
		for (Map.Entry<String, String> value : values.entrySet()) {
			html = html.replace("{{" + value.getKey() + "}}", HtmlUtils.htmlEscape(value.getValue()));
		}
		return html;
	}

	private static ServerResponse html(HttpStatus status, String html) {
		return ServerResponse.status(status)
			.contentType(MediaType.parseMediaType("text/html;charset=UTF-8"))
			.cacheControl(CacheControl.noStore())
			.body(html);
	}

	private static String read(String name) {
		try (InputStream in = new ClassPathResource(RESOURCES + name).getInputStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("the dashboard resource " + RESOURCES + name + " is missing", ex);
		}
	}

}
