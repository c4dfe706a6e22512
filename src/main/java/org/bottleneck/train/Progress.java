package org.bottleneck.train;

/** Receives training progress; the CLI draws a bar, tests and services ignore it. */
public interface Progress {
    Progress NONE = new Progress() {
    };

    /** An epoch of {@code steps} steps begins. */
    default void epochStart(int epoch, int epochs, int steps) {
    }

    /** {@code done} steps of this epoch are finished; loss is the running mean per image. */
    default void update(int done, double loss, double samplesPerSecond) {
    }

    /** The epoch's metrics, validation included. */
    default void epochEnd(EpochMetrics m) {
    }
}
