package dev.honker.sample.web;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

import dev.honker.sample.orders.Order;
import dev.honker.sample.web.demo.DemoRunner;

/**
 * The orders web app: places orders and enqueues their confirmation jobs. Run with the
 * argument {@code demo} to also start the worker app as a second process and drive a few
 * hundred orders through both.
 */
@SpringBootApplication(scanBasePackageClasses = { WebApplication.class, Order.class })
@AutoConfigurationPackage(basePackageClasses = Order.class)
public class WebApplication {

	public static void main(String[] args) {
		ConfigurableApplicationContext context = SpringApplication.run(WebApplication.class, args);
		if (DemoRunner.isFiniteDemo(args)) {
			System.exit(SpringApplication.exit(context));
		}
	}

}
