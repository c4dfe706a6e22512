package org.bottleneck.data;

/** Data could not be found or read; the message names the path and the problem. */
public class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
