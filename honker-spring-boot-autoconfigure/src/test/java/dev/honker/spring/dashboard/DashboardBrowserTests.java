package dev.honker.spring.dashboard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.context.ConfigurableApplicationContext;

import dev.honker.spring.core.HonkerTemplate;
import dev.honker.spring.core.JobOptions;
import dev.honker.spring.listener.HonkerListenerEndpointRegistry;
import dev.honker.spring.scheduler.HonkerSchedules;
import dev.honker.spring.scheduler.ScheduleDefinition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in a real headless Chromium, driven by Selenium: the overview's counts,
 * which change live (no reload) as a listener resumed from the page processes the jobs; a
 * schedule paused and resumed from the page; a queue whose name has a slash opened; a
 * dead letter opened, requeued with a double click, and processed once; a deleted job's
 * page; hostile payloads and queue names shown as text and never run. Saves screenshots
 * of the overview and of a queue page as {@code target/dashboard-*.png}.
 *
 * <p>
 * Needs Debian's {@code chromium} and {@code chromium-driver} packages
 * ({@code /usr/bin/chromium}, {@code /usr/bin/chromedriver}); {@code .ci/run} installs
 * them. Without them the test fails under CI ({@code CI=true}) and is skipped elsewhere.
 */
class DashboardBrowserTests {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final Duration LONG = Duration.ofSeconds(30);

	private static final String HOSTILE_PAYLOAD = "<script>alert(1)</script>";

	private static final String HOSTILE_QUEUE = "<img src=x onerror=window.pwned=1>";

	@TempDir
	Path dir;

	private ConfigurableApplicationContext context;

	private WebDriver browser;

	@BeforeAll
	static void browserInstalled() {
		boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
		if (!installed) {
			fail("The dashboard's browser test needs " + CHROMIUM + " and " + CHROMEDRIVER
					+ "; install Debian's chromium and chromium-driver packages (.ci/run does)");
		}
	}

	@AfterEach
	void close() {
		if (this.browser != null) {
			this.browser.quit();
		}
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void showsQueuesLiveRequeuesDeadLettersAndEscapesPayloads() throws Exception {
		this.context = DashboardTestApplication.start(this.dir.resolve("app.db"));
		String base = "http://127.0.0.1:" + this.context.getEnvironment().getRequiredProperty("local.server.port")
				+ "/honker";
		HonkerTemplate honker = this.context.getBean(HonkerTemplate.class);
		DashboardTestApplication.Jobs jobs = this.context.getBean(DashboardTestApplication.Jobs.class);
		this.context.getBean(HonkerListenerEndpointRegistry.class).getListenerContainer("mailer").pause();
		for (int i = 0; i < 12; i++) {
			honker.enqueue("emails", "mail " + i);
		}
		long dead = honker.enqueue("reports", "monthly", JobOptions.defaults().withMaxAttempts(1));
		long doomed = honker.enqueue("reports", "weekly", JobOptions.defaults().withMaxAttempts(1));
		long hostile = honker.enqueue("inbox", HOSTILE_PAYLOAD);
		honker.enqueueJson("inbox", "{\"html\":\"<img src=x onerror=window.pwned=1>\",\"n\":[1,2]}");
		honker.enqueue(HOSTILE_QUEUE, "x");
		honker.enqueue("emails", "later", JobOptions.defaults().withDelay(Duration.ofHours(1)));
		honker.enqueue("a/b", "slashed", JobOptions.defaults().withDelay(Duration.ofHours(1)));
		HonkerSchedules schedules = this.context.getBean(HonkerSchedules.class);
		schedules.register(ScheduleDefinition.of("nightly", "reports", "0 3 * * *"));
		await().atMost(LONG).until(() -> honker.job(doomed).isEmpty() && honker.job(dead).isEmpty());

		this.browser = chromium();
		this.browser.get(base);
		WebDriverWait wait = new WebDriverWait(this.browser, LONG);
		wait.until(ExpectedConditions.textToBe(queueCell("emails", "pending"), "13"));
		assertThat(text(queueCell("emails", "delayed"))).isEqualTo("1");
		assertThat(text(queueCell("reports", "dead-count"))).isEqualTo("2");
		assertThat(text(By.id("live"))).isEqualTo("Live");
		assertThat(text(By.cssSelector("#queues tr[data-queue='" + HOSTILE_QUEUE + "'] th"))).isEqualTo(HOSTILE_QUEUE);
		screenshot("dashboard-overview.png");

		// Resume the listener from the page; the counts change without a reload.
		js("window.sameDocument = 'yes'");
		click(By.cssSelector("#listeners tr[data-listener='mailer'] button"));
		wait.until(ExpectedConditions.textToBe(queueCell("emails", "pending"), "1"));
		assertThat(jobs.mailed).hasSize(12);
		assertThat(js("return window.sameDocument")).as("no reload").isEqualTo("yes");
		wait.until(
				ExpectedConditions.textToBe(By.cssSelector("#listeners tr[data-listener='mailer'] button"), "Pause"));

		// A schedule paused and resumed from the page.
		By scheduleButton = By.cssSelector("#schedules tr[data-schedule='nightly'] button");
		assertThat(text(By.cssSelector("#schedules tr[data-schedule='nightly']"))).contains("0 3 * * *", "active");
		click(scheduleButton);
		wait.until(ExpectedConditions.textToBe(scheduleButton, "Resume"));
		assertThat(text(By.cssSelector("#schedules tr[data-schedule='nightly']"))).contains("paused");
		assertThat(schedules.find("nightly")).hasValueSatisfying(schedule -> assertThat(schedule.enabled()).isFalse());
		click(scheduleButton);
		wait.until(ExpectedConditions.textToBe(scheduleButton, "Pause"));
		assertThat(schedules.find("nightly")).hasValueSatisfying(schedule -> assertThat(schedule.enabled()).isTrue());

		// A queue whose name has a slash opens from its link.
		click(By.linkText("a/b"));
		wait.until(ExpectedConditions.textToBe(By.id("queue-name"), "a/b"));
		assertThat(text(By.cssSelector("#queue-counts li[data-count='delayed'] strong"))).isEqualTo("1");
		this.browser.navigate().back();
		wait.until(ExpectedConditions.presenceOfElementLocated(By.linkText("reports")));

		// A dead letter: its queue page, its job page, requeued with a double click.
		click(By.linkText("reports"));
		wait.until(ExpectedConditions.textToBe(By.id("queue-name"), "reports"));
		click(By.id("tab-dead"));
		wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#jobs tr[data-job='" + dead + "']")));
		assertThat(text(By.cssSelector("#jobs tr[data-job='" + dead + "']")))
			.contains("report generator is down: monthly");
		screenshot("dashboard-queue.png");
		click(By.linkText("#" + dead));
		wait.until(ExpectedConditions.textToBe(By.id("job-state"), "dead"));
		assertThat(text(By.id("last-error"))).contains("IllegalStateException", "report generator is down: monthly");
		assertThat(text(By.id("payload"))).isEqualTo("\"monthly\"");
		jobs.failing.set(false);
		new WebDriverWait(this.browser, LONG).ignoring(StaleElementReferenceException.class).until(driver -> {
			new Actions(driver).doubleClick(driver.findElement(By.xpath("//button[text()='Requeue']"))).perform();
			return true;
		});
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("job-gone")));
		assertThat(text(By.id("job-gone-message"))).contains("Job " + dead + " is gone");
		assertThat(jobs.reported).containsExactly(dead);

		// Deleting a dead job: its page then says it is gone.
		this.browser.get(base + "/jobs/" + doomed);
		wait.until(ExpectedConditions.textToBe(By.id("job-state"), "dead"));
		click(By.xpath("//button[text()='Delete']"));
		wait.until(ExpectedConditions.alertIsPresent()).accept();
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("job-gone")));
		assertThat(honker.job(doomed)).isEmpty();
		this.browser.navigate().refresh();
		assertThat(text(By.id("not-found"))).isEqualTo("Job " + doomed + " is gone");
		assertThat(jobs.reported).containsExactly(dead);

		// Hostile payloads show as text, on the queue page and the job page.
		this.browser.get(base + "/queue?name=inbox");
		wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#jobs tr[data-job='" + hostile + "']")));
		assertThat(text(By.cssSelector("#jobs tr[data-job='" + hostile + "'] .payload")))
			.isEqualTo("\"" + HOSTILE_PAYLOAD + "\"");
		assertThat(text(By.id("jobs"))).contains("<img src=x onerror=window.pwned=1>");
		this.browser.get(base + "/jobs/" + hostile);
		wait.until(ExpectedConditions.textToBe(By.id("payload"), "\"" + HOSTILE_PAYLOAD + "\""));
		this.browser.get(base + "/queue?name=nope");
		assertThat(text(By.id("not-found"))).isEqualTo("No such queue");
		assertThat(js("return document.querySelectorAll('script:not([src])').length + ':' + window.pwned"))
			.isEqualTo("0:undefined");
	}

	private By queueCell(String queue, String column) {
		return By.cssSelector("#queues tr[data-queue='" + queue + "'] ." + column);
	}

	/** The text of an element, found again if a live update replaced it. */
	private String text(By locator) {
		return new WebDriverWait(this.browser, LONG).ignoring(StaleElementReferenceException.class)
			.until(driver -> driver.findElement(locator).getText());
	}

	/** Clicks an element, found again if a live update replaced it. */
	private void click(By locator) {
		new WebDriverWait(this.browser, LONG).ignoring(StaleElementReferenceException.class).until(driver -> {
			driver.findElement(locator).click();
			return true;
		});
	}

	private Object js(String script) {
		return ((JavascriptExecutor) this.browser).executeScript(script);
	}

	private void screenshot(String name) throws IOException {
		Path png = ((TakesScreenshot) this.browser).getScreenshotAs(OutputType.FILE).toPath();
		Path target = Path.of("target", name);
		Files.createDirectories(target.getParent());
		Files.copy(png, target, StandardCopyOption.REPLACE_EXISTING);
	}

	private WebDriver chromium() throws IOException {
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--window-size=1280,1100",
				"--user-data-dir=" + Files.createTempDirectory(this.dir, "chromium-profile"));
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		return new ChromeDriver(service, options);
	}

}
