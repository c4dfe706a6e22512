package org.bottleneck.train;

import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Philox;
import org.bottleneck.backend.Streams;
import org.bottleneck.data.Corruption;
import org.bottleneck.data.Dataset;
import org.bottleneck.model.Model;
import org.bottleneck.tensor.Tensor;

/**
 * The batch pipeline: gathers samples into one reusable host buffer, uploads them, and makes
 * the (input, target) pair a step trains on. Shuffling is a seeded Fisher–Yates per epoch: the
 * order depends only on (seed, epoch), so a resumed run sees the same batches; corruption
 * depends only on (seed, step).
 */
public final class Batches {
    private final Backend backend;
    private final Dataset data;
    private final float[] host; // (B_max·D)
    private final int[] order;
    private final int features;

    public Batches(Backend backend, Dataset data, int maxBatch) {
        this.backend = backend;
        this.data = data;
        this.features = data.features();
        this.host = new float[Math.multiplyExact(maxBatch, features)];
        this.order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
    }

    /** Reorders the samples for {@code epoch}; without calling it the order is 0..N−1. */
    public void shuffle(long seed, int epoch) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        long stream = Streams.of(seed, Streams.SHUFFLE, epoch);
        for (int i = order.length - 1; i > 0; i--) {
            int j = (int) (Philox.uniform(stream, i) * (i + 1));
            if (j > i) {
                j = i; // uniform < 1, but guard the float product
            }
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    public int size() {
        return order.length;
    }

    /** Copies samples order[from..from+count) into dst (count, D). */
    public void load(int from, int count, Tensor dst) {
        for (int i = 0; i < count; i++) {
            data.copySample(order[from + i], host, i * features);
        }
        backend.upload(host, 0, dst);
    }

    /**
     * Loads samples order[from..from+count) as the model's batch (the model prepared for count)
     * and returns the target to train against: the clean samples. Without corruption they are
     * the input itself (no second copy); with it the clean samples go to the target buffer and
     * the input gets their corruption for {@code step}.
     */
    public Tensor load(int from, int count, Model model, Corruption corruption, long seed, long step) {
        if (!corruption.active()) {
            load(from, count, model.input());
            return model.input();
        }
        Tensor clean = model.targetBuffer();
        load(from, count, clean);
        corruption.apply(backend, clean, model.input(), seed, step);
        return clean;
    }
}
