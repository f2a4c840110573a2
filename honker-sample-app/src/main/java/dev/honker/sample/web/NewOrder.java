package dev.honker.sample.web;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

/** The body of {@code POST /orders}. */
public record NewOrder(@NotBlank String customer, @NotBlank String item, @Min(1) int quantity) {
}
