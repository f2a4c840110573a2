package dev.honker.sample.worker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;

import dev.honker.sample.orders.Order;

/**
 * The worker app: a separate Boot app on the same database file as the web app. Its
 * {@code @HonkerListener} methods wake within a millisecond or two of each commit. Its
 * only web server serves Actuator (health, Prometheus metrics and the {@code honker}
 * endpoint) on {@code sample.worker-management-port} (8082 by default).
 */
@SpringBootApplication(scanBasePackageClasses = { WorkerApplication.class, Order.class })
@AutoConfigurationPackage(basePackageClasses = Order.class)
public class WorkerApplication {

	/** Printed once the listeners run; the demo waits for it. */
	public static final String READY_LINE = "honker-sample worker ready";

	/** What the ready line puts before the worker's Actuator port. */
	public static final String ACTUATOR_PREFIX = "http://localhost:";

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(WorkerApplication.class);
		application.setAdditionalProfiles("worker");
		application.run(args);
	}

	/**
	 * Announces readiness, and stops this worker when the process that started it is
	 * gone.
	 */
	@EventListener
	void ready(ApplicationReadyEvent event) {
		ConfigurableApplicationContext context = event.getApplicationContext();
		Long parentPid = context.getEnvironment().getProperty("sample.parent-pid", Long.class);
		if (parentPid != null) {
			ProcessHandle.of(parentPid)
				.ifPresentOrElse(parent -> parent.onExit().thenRun(() -> System.exit(SpringApplication.exit(context))),
						() -> System.exit(SpringApplication.exit(context)));
		}
		System.out.println(READY_LINE + "; health, metrics and the honker endpoint at " + ACTUATOR_PREFIX
				+ context.getEnvironment().getProperty("local.server.port") + "/actuator");
	}

}
