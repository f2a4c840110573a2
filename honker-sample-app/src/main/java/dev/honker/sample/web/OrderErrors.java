package dev.honker.sample.web;

import java.util.stream.Collectors;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Turns refused orders into problem details that say what was wrong. */
@RestControllerAdvice
class OrderErrors {

	/** 400: the request broke a validation rule; nothing was written. */
	@ExceptionHandler(MethodArgumentNotValidException.class)
	ProblemDetail invalid(MethodArgumentNotValidException e) {
		String reasons = e.getBindingResult()
			.getFieldErrors()
			.stream()
			.map(error -> error.getField() + " " + error.getDefaultMessage() + " (was " + error.getRejectedValue()
					+ ")")
			.sorted()
			.collect(Collectors.joining("; "));
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "Invalid order: " + reasons);
	}

	/**
	 * 409: the order and its job were written, then the transaction rolled back: neither
	 * remains.
	 */
	@ExceptionHandler(OutOfStockException.class)
	ProblemDetail outOfStock(OutOfStockException e) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
	}

}
