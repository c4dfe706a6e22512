package org.bottleneck.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a run stands after {@code epochsDone} epochs: enough, with the parameters and optimizer
 * state, to resume exactly (shuffling and noise depend only on seed, epoch and step).
 */
public final class TrainState {
    public int epochsDone;
    public long step;
    public double bestValLoss = Double.POSITIVE_INFINITY;
    public int bestEpoch = -1;
    public int epochsSinceBest;
    public boolean stoppedEarly;
    public final List<EpochMetrics> history = new ArrayList<>();
}
