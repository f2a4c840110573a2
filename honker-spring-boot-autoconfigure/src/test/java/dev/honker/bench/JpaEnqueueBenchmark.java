package dev.honker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

import javax.sql.DataSource;

import dev.honker.spring.boot.autoconfigure.HonkerAutoConfiguration;
import dev.honker.spring.boot.autoconfigure.jpa.JpaTestApplication;
import dev.honker.spring.boot.autoconfigure.jpa.Order;
import dev.honker.spring.boot.autoconfigure.jpa.OrderRepository;
import dev.honker.spring.boot.autoconfigure.jpa.OrderService;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

/**
 * What a Honker enqueue adds to a {@code @Transactional} Spring Data JPA save. One thread runs
 * alternating rounds of three transactions on a SQLite file (WAL, synchronous=NORMAL,
 * transaction_mode=IMMEDIATE): save an order; save an order and enqueue its job with
 * {@code HonkerTemplate}; and, for scale, save an order plus a raw {@code INSERT INTO _honker_live} (the
 * job row without any Honker code), and save an order plus one row in a plain table without indexes.
 * It prints the median time per transaction of each and the enqueue's overhead.
 *
 * <p>Not a test: run it with {@code ./mvnw -q -B -pl honker-spring-boot-autoconfigure test-compile
 * exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.honker.bench.JpaEnqueueBenchmark}.
 */
public final class JpaEnqueueBenchmark {

    private static final int ROUNDS = 10;

    private static final int TRANSACTIONS_PER_ROUND = 2_000;

    private JpaEnqueueBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args ignored
     * @throws IOException if the temporary directory cannot be created or removed
     */
    public static void main(String[] args) throws IOException {
        Path directory = Files.createTempDirectory("honker-jpa-bench");
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(BenchmarkApplication.class)
            .web(WebApplicationType.NONE)
            .bannerMode(Banner.Mode.OFF)
            .logStartupInfo(false)
            .properties("spring.datasource.url=jdbc:sqlite:" + directory.resolve("bench.db"),
                    "spring.datasource.hikari.data-source-properties.journal_mode=WAL",
                    "spring.datasource.hikari.data-source-properties.synchronous=NORMAL",
                    "spring.datasource.hikari.data-source-properties.busy_timeout=30000",
                    "spring.datasource.hikari.data-source-properties.transaction_mode=IMMEDIATE",
                    "spring.jpa.database-platform=org.hibernate.community.dialect.SQLiteDialect",
                    "spring.jpa.hibernate.ddl-auto=create", "logging.level.root=WARN")
            .run()) {
            OrderService service = context.getBean(OrderService.class);
            AuditedOrders audited = context.getBean(AuditedOrders.class);
            List<Variant> variants = List.of(new Variant("JPA save alone", i -> service.saveOnly("item-" + i)),
                    new Variant("JPA save + enqueue", i -> service.placeOrder("item-" + i, false)),
                    new Variant("JPA save + raw job INSERT", i -> audited.saveWithRawJobRow("item-" + i)),
                    new Variant("JPA save + plain INSERT", i -> audited.saveWithAuditRow("item-" + i)));
            for (Variant variant : variants) {
                variant.warmUp();
            }
            for (int r = 0; r < ROUNDS; r++) {
                for (int v = 0; v < variants.size(); v++) {
                    variants.get((r % 2 == 0) ? v : variants.size() - 1 - v).measureRound();
                }
            }
            double base = variants.get(0).median();
            System.out.printf(Locale.ROOT, "JpaEnqueueBenchmark: %d alternating rounds x %d @Transactional calls per"
                    + " variant, one thread, SQLite WAL + synchronous=NORMAL + transaction_mode=IMMEDIATE,"
                    + " Hibernate SQLiteDialect%n", ROUNDS, TRANSACTIONS_PER_ROUND);
            for (Variant variant : variants) {
                double median = variant.median();
                System.out.printf(Locale.ROOT, "  %-26s median %7.1f us/tx  (%,6.0f tx/s)  %+6.1f%% vs save alone%n",
                        variant.name, median, 1e6 / median, (median / base - 1) * 100);
            }
            System.out.printf(Locale.ROOT, "  enqueue overhead: %+.1f%% (target <= 30%%)%n",
                    (variants.get(1).median() / base - 1) * 100);
        }
        finally {
            deleteRecursively(directory);
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    /** One kind of transaction and its per-round mean times in microseconds. */
    private static final class Variant {

        private final String name;

        private final LongConsumer transaction;

        private final List<Double> rounds = new ArrayList<>();

        Variant(String name, LongConsumer transaction) {
            this.name = name;
            this.transaction = transaction;
        }

        void warmUp() {
            run();
        }

        void measureRound() {
            this.rounds.add(run());
        }

        private double run() {
            long start = System.nanoTime();
            for (long i = 0; i < TRANSACTIONS_PER_ROUND; i++) {
                this.transaction.accept(i);
            }
            return (System.nanoTime() - start) / 1e3 / TRANSACTIONS_PER_ROUND;
        }

        double median() {
            List<Double> sorted = this.rounds.stream().sorted().toList();
            int middle = sorted.size() / 2;
            return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
        }
    }

    /** Saves an order and one more row in the same transaction, without HonkerTemplate: the scale of a second write. */
    static class AuditedOrders {

        private final OrderRepository orders;

        private final JdbcTemplate jdbc;

        AuditedOrders(OrderRepository orders, DataSource dataSource) {
            this.orders = orders;
            this.jdbc = new JdbcTemplate(dataSource);
            this.jdbc.execute("CREATE TABLE IF NOT EXISTS order_audit (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL,"
                    + " note TEXT NOT NULL)");
        }

        @Transactional
        public long saveWithRawJobRow(String item) {
            long id = this.orders.save(new Order(item)).getId();
            this.jdbc.update("INSERT INTO _honker_live (queue, payload) VALUES (?, ?)", "orders", "{\"orderId\":" + id + "}");
            return id;
        }

        @Transactional
        public long saveWithAuditRow(String item) {
            long id = this.orders.save(new Order(item)).getId();
            this.jdbc.update("INSERT INTO order_audit (order_id, note) VALUES (?, ?)", id, "{\"orderId\":" + id + "}");
            return id;
        }
    }

    /** The JPA test application with only the auto-configurations it needs. */
    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({ DataSourceAutoConfiguration.class, HibernateJpaAutoConfiguration.class,
            DataJpaRepositoriesAutoConfiguration.class, TransactionAutoConfiguration.class,
            JacksonAutoConfiguration.class, HonkerAutoConfiguration.class })
    @Import(JpaTestApplication.class)
    static class BenchmarkApplication {

        @Bean
        AuditedOrders auditedOrders(OrderRepository orders, DataSource dataSource) {
            return new AuditedOrders(orders, dataSource);
        }
    }
}
