package org.bottleneck.model;

/** A safetensors file could not be read or written; the message names the file, tensor and values. */
public class SafetensorsException extends RuntimeException {
    public SafetensorsException(String message) {
        super(message);
    }

    public SafetensorsException(String message, Throwable cause) {
        super(message, cause);
    }
}
