package org.bottleneck.train;

import org.bottleneck.data.transform.Pipeline;

/**
 * How to train.
 *
 * @param epochs       passes over the training set
 * @param batchSize    samples per step
 * @param lr           base learning rate
 * @param optimizer    "adam", "adamw" or "sgd"
 * @param weightDecay  decoupled (AdamW) or L2 (SGD) weight decay
 * @param momentum     SGD momentum
 * @param schedule     learning-rate schedule over epochs
 * @param clipNorm     clip the global gradient norm to this (0 = off)
 * @param patience     stop after this many epochs without a better validation loss (0 = off)
 * @param seed         every random draw (init, shuffling, noise) derives from it
 * @param lossEvery    read per-sample losses back every this many steps (1 on CPU; larger
 *                     avoids a device sync per step on a GPU)
 * @param pipeline     the batch pipeline's augmentations and degradations (denoising, holes,
 *                     downsampling, luma): inputs are degraded, targets stay clean
 */
public record TrainConfig(int epochs, int batchSize, double lr, String optimizer, double weightDecay,
                          double momentum, Schedule schedule, double clipNorm, int patience, long seed,
                          int lossEvery, Pipeline pipeline) {

    public TrainConfig {
        if (epochs < 1 || batchSize < 1 || !(lr > 0) || lossEvery < 1) {
            throw new IllegalArgumentException("need epochs ≥ 1, batch ≥ 1, lr > 0, lossEvery ≥ 1; got epochs="
                    + epochs + " batch=" + batchSize + " lr=" + lr + " lossEvery=" + lossEvery);
        }
        if (!optimizer.equals("adam") && !optimizer.equals("adamw") && !optimizer.equals("sgd")) {
            throw new IllegalArgumentException("unknown optimizer '" + optimizer + "' (expected adam, adamw or sgd)");
        }
        if (pipeline == null) {
            throw new IllegalArgumentException("pipeline must not be null (use Pipeline.NONE)");
        }
        if (!(clipNorm >= 0) || patience < 0 || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("need clip ≥ 0, patience ≥ 0, weight decay ≥ 0; got clip=" + clipNorm
                    + " patience=" + patience + " wd=" + weightDecay);
        }
    }

    /** The reference setup: Adam, lr 1e-3, batch 128, constant schedule, seed 42. */
    public static TrainConfig defaults(int epochs) {
        return new TrainConfig(epochs, 128, 1e-3, "adam", 0, 0.9, Schedule.constant(), 0, 0, 42, 1, Pipeline.NONE);
    }

    public TrainConfig withEpochs(int e) {
        return new TrainConfig(e, batchSize, lr, optimizer, weightDecay, momentum, schedule, clipNorm, patience, seed,
                lossEvery, pipeline);
    }

    public TrainConfig withPipeline(Pipeline c) {
        return new TrainConfig(epochs, batchSize, lr, optimizer, weightDecay, momentum, schedule, clipNorm, patience, seed,
                lossEvery, c);
    }

    public TrainConfig withSeed(long s) {
        return new TrainConfig(epochs, batchSize, lr, optimizer, weightDecay, momentum, schedule, clipNorm, patience, s,
                lossEvery, pipeline);
    }
}
