package org.bottleneck.train;

/** The loss became NaN or infinite; the last good checkpoint is left untouched. */
public final class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
