package dev.honker.spring.dashboard;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.core.JobOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard behind Spring Security, configured as the README shows: the page needs
 * the ADMIN role, and its writes need the CSRF token that the page carries (a POST
 * without it is refused with 403 and changes nothing).
 */
class DashboardSecurityTests {

	private static final Pattern TOKEN = Pattern.compile("<meta name=\"honker-csrf-token\" content=\"([^\"]+)\">");

	@TempDir
	Path dir;

	private ConfigurableApplicationContext context;

	private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();

	@AfterEach
	void close() {
		this.context.close();
	}

	@Test
	void writesNeedTheCsrfTokenOfThePage() throws Exception {
		this.context = DashboardTestApplication.start(this.dir.resolve("app.db"), SecuredDashboard.class);
		String base = "http://127.0.0.1:" + this.context.getEnvironment().getRequiredProperty("local.server.port")
				+ "/honker";
		HonkerTemplate honker = this.context.getBean(HonkerTemplate.class);
		long dead = honker.enqueue("reports", "secret", JobOptions.defaults().withMaxAttempts(1));
		await().atMost(Duration.ofSeconds(30)).until(() -> honker.job(dead).isEmpty());

		assertThat(send(HttpRequest.newBuilder(URI.create(base))).statusCode()).isEqualTo(401);
		HttpResponse<String> page = send(admin(base));
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("<meta name=\"honker-csrf-header\" content=\"X-CSRF-TOKEN\">");
		Matcher token = TOKEN.matcher(page.body());
		assertThat(token.find()).isTrue();

		String delete = base + "/api/jobs/" + dead + "/delete";
		HttpResponse<String> refused = send(admin(delete).POST(HttpRequest.BodyPublishers.noBody()));
		assertThat(refused.statusCode()).isEqualTo(403);
		assertThat(send(admin(base + "/api/jobs/" + dead)).body()).contains("\"state\":\"dead\"");

		HttpResponse<String> deleted = send(
				admin(delete).header("X-CSRF-TOKEN", token.group(1)).POST(HttpRequest.BodyPublishers.noBody()));
		assertThat(deleted.statusCode()).isEqualTo(200);
		assertThat(send(admin(base + "/api/jobs/" + dead)).statusCode()).isEqualTo(404);
	}

	private HttpRequest.Builder admin(String url) {
		String credentials = Base64.getEncoder().encodeToString("admin:secret".getBytes(StandardCharsets.UTF_8));
		return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Basic " + credentials);
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** The README's example: the dashboard for admins only. */
	@Configuration(proxyBeanMethods = false)
	@EnableWebSecurity
	static class SecuredDashboard {

		@Bean
		SecurityFilterChain dashboardSecurity(HttpSecurity http) throws Exception {
			http.securityMatcher("/honker/**")
				.authorizeHttpRequests(requests -> requests.anyRequest().hasRole("ADMIN"))
				.httpBasic(Customizer.withDefaults());
			return http.build();
		}

		@Bean
		UserDetailsService users() {
			return new InMemoryUserDetailsManager(
					User.withUsername("admin").password("{noop}secret").roles("ADMIN").build());
		}

	}

}
