package dev.honker.sample.web.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.honker.sample.web.WebApplication;

/** The README's demo, shortened: both processes, every kind of outcome, and a summary. */
@ExtendWith(OutputCaptureExtension.class)
class DemoRunnerTests {

	@Test
	void demoDrivesOrdersThroughBothProcessesAndSummarises(@TempDir Path dir, CapturedOutput output) {
		try (ConfigurableApplicationContext context = SpringApplication.run(WebApplication.class, "demo",
				"--server.port=0", "--sample.management-port=0", "--sample.worker-management-port=0",
				"--sample.db-file=" + dir.resolve("demo.db"), "--demo.sequential-orders=10",
				"--demo.burst-orders=60")) {
			assertThat(context.isActive()).isTrue();
		}
		assertThat(output.getOut()).contains("worker | honker-sample worker ready")
			.contains("demo   | commit -> handler's first line, worker idle (10 orders): p50")
			.contains("demo   | retried: 2 orders failed their first attempt and were confirmed on the second")
			.contains("demo   | dead letters: 1")
			.contains("PermanentFailure: item 'poison pill' is not sold here")
			.contains("demo   | invalid: 1 orders refused with 400, nothing written")
			.contains("demo   | rolled back: 1 orders were written with their job, then refused with 409")
			.contains("burst order rows 58 = orders accepted 58; jobs still queued: 0")
			.contains("demo   | ---- the worker's Actuator ----")
			.containsPattern(
					"demo   \\| \\{\"components\":.*\"honker\":\\{\"details\":\\{.*\"watcher\":\"ok\",\"writable\":true")
			.containsPattern(
					"demo   \\| honker_jobs_completed_total\\{.*listener=\"order-confirmations\".*\\} [1-9][0-9]*\\.0")
			.contains("demo   | done");
	}

}
