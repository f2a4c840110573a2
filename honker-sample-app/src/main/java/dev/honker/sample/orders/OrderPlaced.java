package dev.honker.sample.orders;

/** Published when an order and its confirmation job are written. */
public record OrderPlaced(long orderId) {
}
