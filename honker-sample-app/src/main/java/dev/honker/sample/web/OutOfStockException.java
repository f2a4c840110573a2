package dev.honker.sample.web;

/**
 * Thrown after the order row and its job were written, so the whole transaction rolls
 * back.
 */
public class OutOfStockException extends RuntimeException {

	public OutOfStockException(String item, int quantity, int stock) {
		super("Only " + stock + " of '" + item + "' in stock, " + quantity + " ordered");
	}

}
