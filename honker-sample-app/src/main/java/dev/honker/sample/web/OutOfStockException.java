package dev.honker.sample.web;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/** Thrown after the order row and its job were written, so the whole transaction rolls back. */
@ResponseStatus(HttpStatus.CONFLICT)
public class OutOfStockException extends RuntimeException {

    public OutOfStockException(String item, int quantity, int stock) {
        super("Only " + stock + " of '" + item + "' in stock, " + quantity + " ordered");
    }
}
