package dev.honker.sqlite;

import static dev.honker.sqlite.TestDatabase.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueSmokeTest {

    @TempDir
    Path dir;

    @Test
    void roundTrip() throws Exception {
        try (Connection c = open(dir.resolve("t.db"))) {
            long id = queryLong(c, "SELECT honker_enqueue('q', '{\"a\":1}', NULL, NULL, 0, 3, NULL)");
            assertThat(id).isEqualTo(1);
            String claimed = queryString(c, "SELECT honker_claim_batch('q', 'w', 5, 60)");
            System.out.println(claimed);
            assertThat(claimed).startsWith("[{\"attempts\":1,\"claim_expires_at\":");
            assertThat(queryLong(c, "SELECT honker_ack(1, 'w')")).isEqualTo(1);
            c.setAutoCommit(false);
            queryLong(c, "SELECT honker_enqueue('q', 'x', NULL, NULL, 0, 3, NULL)");
            c.rollback();
            c.setAutoCommit(true);
            assertThat(queryLong(c, "SELECT count(*) FROM _honker_live")).isZero();
            assertThatThrownBy(() -> queryLong(c, "SELECT honker_enqueue(NULL, 'x', NULL, NULL, 0, 3, NULL)"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("honker_enqueue");
            // savepoint path in autocommit and in tx: dead id conflict rolls back
            queryLong(c, "SELECT honker_enqueue('q', 'y', NULL, NULL, 0, 0, NULL)");
            execute(c, "INSERT INTO _honker_dead(id, queue, payload) VALUES (2, 'q', 'old')");
            assertThatThrownBy(() -> queryString(c, "SELECT honker_claim_batch('q', 'w', 5, 60)"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("UNIQUE");
            assertThat(queryLong(c, "SELECT count(*) FROM _honker_live")).isEqualTo(1);
            c.setAutoCommit(false);
            assertThatThrownBy(() -> queryString(c, "SELECT honker_claim_batch('q', 'w', 5, 60)"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("UNIQUE");
            assertThat(queryLong(c, "SELECT count(*) FROM _honker_live")).isEqualTo(1);
            c.commit();
        }
    }
}
