package org.bottleneck.train;

import org.bottleneck.backend.Philox;
import org.bottleneck.data.Dataset;
import org.bottleneck.tensor.Tensor;

/**
 * Gathers samples into one reusable host buffer and uploads it. Shuffling is a seeded
 * Fisher–Yates per epoch: the order depends only on (seed, epoch), so a resumed run sees the
 * same batches.
 */
public final class Batches {
    private final Dataset data;
    private final float[] host; // (B_max·D)
    private final int[] order;
    private final int features;

    public Batches(Dataset data, int maxBatch) {
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
        long stream = Philox.derive(seed, 1_000_000L + epoch);
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
        dst.backend().upload(host, 0, dst);
    }
}
