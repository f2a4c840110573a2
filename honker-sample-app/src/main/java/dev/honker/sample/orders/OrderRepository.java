package dev.honker.sample.orders;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

/** Orders, through Spring Data JPA. */
public interface OrderRepository extends JpaRepository<Order, Long> {

	/** How many orders have the given status. */
	long countByStatus(OrderStatus status);

	/**
	 * Enqueues a job with a native query, the way any ORM can: the SQL function runs on
	 * the connection of the current JPA transaction, so the job commits with it.
	 */
	@Query(value = "SELECT honker_enqueue(:queue, :payload, NULL, NULL, 0, 3, NULL)", nativeQuery = true)
	long enqueueNative(String queue, String payload);

}
