package org.bottleneck.train;

import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Philox;
import org.bottleneck.backend.Streams;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.transform.Draws;
import org.bottleneck.data.transform.Example;
import org.bottleneck.data.transform.Pipeline;
import org.bottleneck.model.Model;
import org.bottleneck.tensor.Tensor;

/**
 * The batch loader: gathers examples into reusable host buffers, uploads them, and hands the
 * model its (input, target, mask). Shuffling is a seeded Fisher–Yates per epoch (the order
 * depends only on (seed, epoch)); every transform of the {@link Pipeline} depends only on
 * (seed, epoch, sample index). So a resumed run sees the same batches, bit for bit, and so
 * does a run on another backend (the pipeline runs on the host for all of them).
 */
public final class Batches {
    /** What a step trains on: the model's input, the target (the input itself without degradations), the loss mask or null. */
    public record Batch(Tensor input, Tensor target, Tensor mask) {
    }

    private final Backend backend;
    private final Dataset data;
    private final Pipeline pipeline;
    private final long seed;
    private final int[] order;
    private final int features;
    private final float[] host;              // (B_max, D) raw samples, or the pipeline's inputs (B_max, in…)
    private final float[] hostTarget, hostMask; // (B_max, out…), with a degrading pipeline
    private final Example example;
    private final Draws draws = new Draws();

    /** Raw samples, no transforms (evaluation of the clean data, benchmarks). */
    public Batches(Backend backend, Dataset data, int maxBatch) {
        this(backend, data, maxBatch, Pipeline.NONE, 0);
    }

    public Batches(Backend backend, Dataset data, int maxBatch, Pipeline pipeline, long seed) {
        this.backend = backend;
        this.data = data;
        this.pipeline = pipeline;
        this.seed = seed;
        this.features = data.features();
        int in = Math.toIntExact(pipeline.inputShape(data.sampleShape()).size());
        int out = Math.toIntExact(pipeline.targetShape(data.sampleShape()).size());
        this.host = new float[Math.multiplyExact(maxBatch, pipeline.isEmpty() ? features : in)];
        this.hostTarget = pipeline.degrades() ? new float[Math.multiplyExact(maxBatch, out)] : null;
        this.hostMask = pipeline.degrades() ? new float[Math.multiplyExact(maxBatch, out)] : null;
        this.example = pipeline.isEmpty() ? null : pipeline.newExample(data.sampleShape());
        this.order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
    }

    /** Reorders the samples for {@code epoch}; without calling it the order is 0..N−1. */
    public void shuffle(long shuffleSeed, int epoch) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        long stream = Streams.of(shuffleSeed, Streams.SHUFFLE, epoch);
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

    /** Copies the raw samples order[from..from+count) into dst (count, D), no transforms. */
    public void load(int from, int count, Tensor dst) {
        for (int i = 0; i < count; i++) {
            data.copySample(order[from + i], host, i * features);
        }
        backend.upload(host, 0, dst);
    }

    /**
     * Builds examples order[from..from+count) for {@code epoch} ({@link Pipeline#EVAL_EPOCH}
     * for evaluation) into the model's buffers (the model prepared for count).
     */
    public Batch load(int from, int count, Model model, int epoch) {
        if (pipeline.isEmpty()) {
            load(from, count, model.input());
            return new Batch(model.input(), model.input(), null);
        }
        int in = 0, out = 0;
        boolean masked = false;
        for (int i = 0; i < count; i++) {
            pipeline.make(data, order[from + i], epoch, seed, example, draws);
            in = example.inputSize();
            out = example.targetSize();
            System.arraycopy(example.input, 0, host, i * in, in);
            if (hostTarget != null) {
                System.arraycopy(example.target, 0, hostTarget, i * out, out);
                if (example.masked) {
                    System.arraycopy(example.mask, 0, hostMask, i * out, out);
                } else {
                    java.util.Arrays.fill(hostMask, i * out, (i + 1) * out, 1f);
                }
                masked |= example.masked;
            }
        }
        backend.upload(host, 0, model.input());
        if (hostTarget == null) {
            return new Batch(model.input(), model.input(), null);
        }
        backend.upload(hostTarget, 0, model.targetBuffer());
        if (masked) {
            backend.upload(hostMask, 0, model.maskBuffer());
        }
        return new Batch(model.input(), model.targetBuffer(), masked ? model.maskBuffer() : null);
    }
}
