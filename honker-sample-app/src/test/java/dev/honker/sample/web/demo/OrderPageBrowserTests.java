package dev.honker.sample.web.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.honker.sample.web.NewOrder;
import dev.honker.sample.web.OrderView;
import dev.honker.sample.web.WebApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The order page in a real headless Chromium: an order placed while no worker runs shows
 * PENDING; the worker app, started as a second process, confirms it, and the page turns
 * CONFIRMED by itself, through Server-Sent Events, having fetched the order once.
 *
 * <p>
 * Needs Debian's {@code chromium} and {@code chromium-driver} packages
 * ({@code /usr/bin/chromium}, {@code /usr/bin/chromedriver}); {@code .ci/run} installs
 * them. Without them the test fails under CI ({@code CI=true}) and is skipped elsewhere.
 */
@SpringBootTest(classes = { WebApplication.class, OrderPageBrowserTests.RequestCounter.class },
		webEnvironment = WebEnvironment.RANDOM_PORT)
@DirtiesContext
class OrderPageBrowserTests {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	@TempDir
	static Path dir;

	@DynamicPropertySource
	static void databaseFile(DynamicPropertyRegistry registry) {
		registry.add("sample.db-file", () -> dir.resolve("orders.db").toString());
	}

	@BeforeAll
	static void browserInstalled() {
		boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
		if (!installed) {
			fail("The browser test needs " + CHROMIUM + " and " + CHROMEDRIVER
					+ "; install Debian's chromium and chromium-driver packages (.ci/run does)");
		}
	}

	@Autowired
	Environment environment;

	@Autowired
	RequestCounter requests;

	@Test
	void theOrderPageTurnsConfirmedLiveWhenTheWorkerConfirmsTheOrder() throws Exception {
		String base = "http://localhost:" + environment.getRequiredProperty("local.server.port");
		OrderView order = RestClient.create(base)
			.post()
			.uri("/orders")
			.body(new NewOrder("browser-customer", "widget", 1))
			.retrieve()
			.body(OrderView.class);
		WebDriver browser = chromium();
		try {
			browser.get(base + "/order.html?id=" + order.id());
			WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
			wait.until(ExpectedConditions.textToBe(By.id("status"), "PENDING"));
			assertThat(browser.findElement(By.id("customer")).getText()).isEqualTo("browser-customer");

			try (WorkerProcess worker = WorkerProcess.start(dir.resolve("orders.db"), 0)) {
				assertThat(worker.awaitReady(Duration.ofSeconds(90))).as("worker app started").isTrue();
				new WebDriverWait(browser, Duration.ofSeconds(60))
					.until(ExpectedConditions.textToBe(By.id("status"), "CONFIRMED"));
			}
			assertThat(browser.findElement(By.id("status")).getAttribute("class")).isEqualTo("CONFIRMED");
			assertThat(requests.orderReads(order.id())).as("the page read the order once and never polled")
				.isEqualTo(1);
		}
		finally {
			browser.quit();
		}
	}

	private static WebDriver chromium() throws IOException {
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--user-data-dir=" + Files.createTempDirectory(dir, "chromium-profile"));
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		return new ChromeDriver(service, options);
	}

	/** Counts the page's reads of each order ({@code GET /orders/<id>}). */
	@TestConfiguration(proxyBeanMethods = false)
	static class RequestCounter {

		private final Map<Long, AtomicInteger> reads = new ConcurrentHashMap<>();

		int orderReads(long id) {
			AtomicInteger count = reads.get(id);
			return (count != null) ? count.get() : 0;
		}

		@Bean
		OncePerRequestFilter orderReadCounter() {
			return new OncePerRequestFilter() {

				@Override
				protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
						FilterChain chain) throws ServletException, IOException {
					String path = request.getRequestURI();
					if ("GET".equals(request.getMethod()) && path.matches("/orders/\\d+")) {
						reads
							.computeIfAbsent(Long.parseLong(path.substring("/orders/".length())),
									key -> new AtomicInteger())
							.incrementAndGet();
					}
					chain.doFilter(request, response);
				}
			};
		}

	}

}
