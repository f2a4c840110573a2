package dev.honker.sample.web.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

import dev.honker.sample.orders.Order;
import dev.honker.sample.orders.OrderRepository;
import dev.honker.sample.orders.OrderStatus;
import dev.honker.sample.web.NewOrder;
import dev.honker.sample.web.OrderView;

/**
 * The one-command demo ({@code demo} argument): starts the worker app as a second process on the
 * same file, places a few hundred orders over HTTP, reports what the worker did, then shuts both
 * worker down. With {@code --keep-running} both stay up for {@code curl}.
 */
@Component
public class DemoRunner implements ApplicationRunner {

    static final String FLAKY_ITEM = "flaky gizmo";
    static final String POISON_ITEM = "poison pill";

    private final Environment environment;
    private final OrderRepository orders;
    private final JdbcClient jdbc;
    private final CommitTimes commitTimes;

    DemoRunner(Environment environment, OrderRepository orders, JdbcClient jdbc, CommitTimes commitTimes) {
        this.environment = environment;
        this.orders = orders;
        this.jdbc = jdbc;
        this.commitTimes = commitTimes;
    }

    @Override
    public void run(ApplicationArguments args) throws Exception {
        if (!args.getNonOptionArgs().contains("demo")) {
            return;
        }
        int count = environment.getProperty("demo.orders", Integer.class, 300);
        boolean keepRunning = args.containsOption("keep-running");
        Path dbFile = Path.of(environment.getRequiredProperty("sample.db-file")).toAbsolutePath();
        String baseUrl = "http://localhost:" + environment.getRequiredProperty("local.server.port");

        say("database file %s", dbFile);
        WorkerProcess worker = WorkerProcess.start(dbFile);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopQuietly(worker)));
        if (!worker.awaitReady(Duration.ofSeconds(60))) {
            throw new IllegalStateException("the worker app did not start within 60 s");
        }
        say("worker app running as pid %d; placing %d orders over HTTP with 4 clients", worker.pid(), count);

        long startedNanos = System.nanoTime();
        Placement placement = placeOrders(RestClient.create(baseUrl), count);
        say("placed %d orders (%d through a native SQL enqueue), refused %d invalid (400) and %d out of stock (409, rolled back)",
                placement.accepted.size(), placement.viaNativeQuery.get(), placement.invalid.get(),
                placement.rolledBack.get());

        long expectedConfirmed = placement.accepted.values().stream().filter(item -> !POISON_ITEM.equals(item)).count();
        awaitConfirmations(expectedConfirmed);
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        report(placement, expectedConfirmed, seconds);

        if (keepRunning) {
            say("both apps keep running: try  curl -s %s/orders/1  or\n"
                    + "  curl -s -XPOST -H 'Content-Type: application/json' -d '{\"customer\":\"you\",\"item\":\"book\",\"quantity\":1}' %s/orders\n"
                    + "  Ctrl-C stops both.", baseUrl, baseUrl);
            return;
        }
        say("stopping the worker gracefully");
        worker.close();
        say("done");
    }

    /** Whether these arguments ask for a demo that ends by itself, after which the web app exits too. */
    public static boolean isFiniteDemo(String... args) {
        List<String> arguments = List.of(args);
        return arguments.contains("demo") && !arguments.contains("--keep-running");
    }

    private Placement placeOrders(RestClient http, int count) throws InterruptedException {
        Placement placement = new Placement();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        for (int i = 1; i <= count; i++) {
            int n = i;
            clients.execute(() -> placement.place(http, n));
        }
        clients.shutdown();
        if (!clients.awaitTermination(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("placing orders took more than 5 minutes");
        }
        return placement;
    }

    private void awaitConfirmations(long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long last = -1;
        while (true) {
            long confirmed = orders.countByStatus(OrderStatus.CONFIRMED);
            if (confirmed != last) {
                say("%d of %d orders confirmed by the worker", confirmed, expected);
                last = confirmed;
            }
            if (confirmed >= expected) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + confirmed + " of " + expected + " orders confirmed after 120 s");
            }
            Thread.sleep(250);
        }
    }

    private void report(Placement placement, long confirmed, double seconds) {
        List<Long> latencies = new ArrayList<>();
        int retried = 0;
        for (Long id : placement.accepted.keySet()) {
            Order order = orders.findById(id).orElseThrow();
            if (order.getStatus() != OrderStatus.CONFIRMED) {
                continue;
            }
            Long committed = commitTimes.committedMicros(id);
            if (order.getConfirmedOnAttempt() == 1 && committed != null) {
                latencies.add(order.getHandlerStartedMicros() - committed);
            } else if (order.getConfirmedOnAttempt() > 1) {
                retried++;
            }
        }
        Percentiles latency = new Percentiles(latencies);
        List<Map<String, Object>> dead = jdbc.sql("SELECT id, queue, attempts, last_error FROM _honker_dead ORDER BY id")
                .query().listOfRows();
        long liveJobs = jdbc.sql("SELECT count(*) FROM _honker_live").query(Long.class).single();

        say("---- summary ----");
        say("confirmed %d orders in %.2f s: %.0f orders/s end to end", confirmed, seconds, confirmed / seconds);
        say("commit -> worker handler, first attempts (%d samples): p50 %.2f ms, p99 %.2f ms", latency.count(),
                latency.at(50) / 1000.0, latency.at(99) / 1000.0);
        say("retried: %d orders failed their first attempt and were confirmed on the second", retried);
        say("dead letters: %d", dead.size());
        dead.forEach(row -> say("  job %s on %s after %s attempt(s): %s", row.get("id"), row.get("queue"),
                row.get("attempts"), row.get("last_error")));
        say("rolled back: %d orders were written with their job and then refused; jobs left in the queue: %d",
                placement.rolledBack.get(), liveJobs);
    }

    private static void stopQuietly(WorkerProcess worker) {
        try {
            worker.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void say(String format, Object... args) {
        System.out.println("demo   | " + String.format(format, args));
    }

    /** What placing the orders gave. */
    private static final class Placement {

        final Map<Long, String> accepted = new ConcurrentHashMap<>();
        final AtomicInteger viaNativeQuery = new AtomicInteger();
        final AtomicInteger invalid = new AtomicInteger();
        final AtomicInteger rolledBack = new AtomicInteger();

        void place(RestClient http, int n) {
            NewOrder order = orderNumber(n);
            boolean nativeQuery = n % 10 == 0;
            var response = http.post().uri(nativeQuery ? "/orders/native" : "/orders").body(order)
                    .exchange((request, reply) -> reply.getStatusCode().is2xxSuccessful()
                            ? reply.bodyTo(OrderView.class) : reply.getStatusCode());
            if (response instanceof OrderView created) {
                accepted.put(created.id(), created.item());
                if (nativeQuery) {
                    viaNativeQuery.incrementAndGet();
                }
            } else if (response instanceof org.springframework.http.HttpStatusCode status && status.value() == 409) {
                rolledBack.incrementAndGet();
            } else {
                invalid.incrementAndGet();
            }
        }

        private static NewOrder orderNumber(int n) {
            String customer = "customer-" + (n % 37);
            if (n == 42) {
                return new NewOrder(customer, POISON_ITEM, 1);
            }
            if (n % 100 == 13) {
                return new NewOrder(customer, "rare lamp", 500);
            }
            if (n % 100 == 31) {
                return new NewOrder(customer, "broken request", -1);
            }
            return new NewOrder(customer, n % 50 == 7 ? FLAKY_ITEM : "widget", 1 + n % 5);
        }
    }
}
