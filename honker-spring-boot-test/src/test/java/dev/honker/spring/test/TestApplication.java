package dev.honker.spring.test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

import dev.honker.spring.listener.HonkerListener;

/** The application of the tests: two listeners, one started with the context, one not. */
@SpringBootConfiguration
@EnableAutoConfiguration
class TestApplication {

	@Bean
	Greetings greetings() {
		return new Greetings();
	}

	/** A greeting payload. */
	record Greeting(String to) {
	}

	/** Records who handled which greeting, and on which thread. */
	static class Greetings {

		final List<String> async = new CopyOnWriteArrayList<>();

		final List<Thread> manualThreads = new CopyOnWriteArrayList<>();

		final List<Greeting> manual = new CopyOnWriteArrayList<>();

		@HonkerListener(queue = "greetings", id = "async", concurrency = "2")
		void greet(Greeting greeting) {
			this.async.add(greeting.to());
		}

		@HonkerListener(queue = "manual-greetings", id = "manual", autoStartup = "false")
		void greetByHand(Greeting greeting) {
			this.manualThreads.add(Thread.currentThread());
			this.manual.add(greeting);
			if (greeting.to().equals("nobody")) {
				throw new IllegalArgumentException("nobody to greet");
			}
		}

	}

}
