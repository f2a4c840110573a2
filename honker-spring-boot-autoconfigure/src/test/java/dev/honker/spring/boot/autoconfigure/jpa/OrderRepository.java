package dev.honker.spring.boot.autoconfigure.jpa;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;
import org.springframework.transaction.annotation.Transactional;

/** Orders, plus an enqueue through a native query in the caller's JPA transaction. */
public interface OrderRepository extends JpaRepository<Order, Long> {

	/**
	 * Enqueues a job with {@code SELECT honker_enqueue(...)} on the JPA transaction's
	 * connection.
	 * @param queue the queue
	 * @param payload JSON text
	 * @return the job id
	 */
	@Transactional
	@Query(value = "SELECT honker_enqueue(:queue, :payload, NULL, NULL, 0, 3, NULL)", nativeQuery = true)
	long enqueue(@Param("queue") String queue, @Param("payload") String payload);

}
