package org.bottleneck.model;

/** A checkpoint is missing, unreadable, or does not fit the model. */
public final class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }
}
