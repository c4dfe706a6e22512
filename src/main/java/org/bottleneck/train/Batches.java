package org.bottleneck.train;

import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Philox;
import org.bottleneck.backend.Streams;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.transform.Draws;
import org.bottleneck.data.transform.Example;
import org.bottleneck.data.transform.Pipeline;
import org.bottleneck.model.Model;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;

/**
 * The batch loader: builds examples into reusable host buffers, uploads them, and hands the
 * model its (input, target, mask). Shuffling is a seeded Fisher–Yates per epoch (the order
 * depends only on (seed, epoch)); every transform of the {@link Pipeline} depends only on
 * (seed, epoch, sample index). So a resumed run sees the same batches, bit for bit, and so
 * does a run on another backend (the pipeline runs on the host for all of them).
 *
 * <p>An epoch is read with {@link #beginEpoch} then {@link #next} per step. When reading is
 * slow — samples decoded from disk ({@link Dataset#streamed()}), or a pipeline feeding a GPU —
 * a background thread builds the next {@value #AHEAD} batches while the step runs (samples in
 * parallel on the spare cores), so memory stays bounded and the step does not
 * wait when the reading keeps up. Otherwise batches are built on the caller's thread: on a
 * small CPU a reader thread would only take a core from the GEMMs.
 */
public final class Batches implements AutoCloseable {
    /** Batches built ahead of the trainer when reading in the background. */
    static final int AHEAD = 3;

    /** What a step trains on: the model's input, the target (the input itself without degradations), the loss mask or null. */
    public record Batch(Tensor input, Tensor target, Tensor mask) {
    }

    /** One batch on the host: inputs (B, in…), and with a degrading pipeline targets and masks (B, out…). */
    private static final class HostBatch {
        final float[] input, target, mask;
        int count;
        boolean masked;

        HostBatch(int maxBatch, int in, int out, boolean degrades) {
            input = new float[Math.multiplyExact(maxBatch, in)];
            target = degrades ? new float[Math.multiplyExact(maxBatch, out)] : null;
            mask = degrades ? new float[Math.multiplyExact(maxBatch, out)] : null;
        }
    }

    private final Backend backend;
    private final Dataset data;
    private final Pipeline pipeline;
    private final long seed;
    private final int[] order;
    private final int in, out;
    private final HostBatch inline;
    private final ThreadLocal<Example> examples;
    private final ThreadLocal<Draws> draws = ThreadLocal.withInitial(Draws::new);
    private final boolean background;
    private final ForkJoinPool workers;       // sample-parallel building; null = sequential
    private ExecutorService reader;           // the background reader, while an epoch is read ahead
    private ArrayBlockingQueue<HostBatch> ready, free;
    private volatile Throwable failure;
    private Batch last;
    private int epoch, batchSize, nextFrom;

    /** Raw samples, no transforms (evaluation of the clean data, benchmarks). */
    public Batches(Backend backend, Dataset data, int maxBatch) {
        this(backend, data, maxBatch, Pipeline.NONE, 0);
    }

    public Batches(Backend backend, Dataset data, int maxBatch, Pipeline pipeline, long seed) {
        this.backend = backend;
        this.data = data;
        this.pipeline = pipeline;
        this.seed = seed;
        Shape sample = data.sampleShape();
        this.in = Math.toIntExact(pipeline.inputShape(sample).size());
        this.out = Math.toIntExact(pipeline.targetShape(sample).size());
        this.inline = new HostBatch(maxBatch, in, out, pipeline.degrades());
        this.examples = ThreadLocal.withInitial(() -> pipeline.newExample(sample));
        this.background = data.streamed() || (!pipeline.isEmpty() && !backend.name().equals("cpu"));
        int cores = Runtime.getRuntime().availableProcessors();
        // decoding from disk takes every spare core; host transforms for a GPU up to four
        int threads = data.streamed() ? Math.max(1, cores - 1) : background ? Math.min(4, Math.max(1, cores - 1)) : 1;
        this.workers = threads > 1 ? new ForkJoinPool(threads) : null;
        if (background) {
            ready = new ArrayBlockingQueue<>(AHEAD);
            free = new ArrayBlockingQueue<>(AHEAD + 1);
            for (int i = 0; i <= AHEAD; i++) {
                free.add(i == 0 ? inline : new HostBatch(maxBatch, in, out, pipeline.degrades()));
            }
        }
        this.order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
    }

    /** Reorders the samples for {@code epoch}; without calling it the order is 0..N−1. Not while an epoch is read. */
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

    /** Whether batches are built on a background thread. */
    public boolean readsAhead() {
        return background;
    }

    /** Copies the raw samples order[from..from+count) into dst (count, D), no transforms. */
    public void load(int from, int count, Tensor dst) {
        int d = data.features();
        float[] host = inline.input.length >= count * d ? inline.input : new float[count * d];
        for (int i = 0; i < count; i++) {
            data.copySample(order[from + i], host, i * d);
        }
        backend.upload(host, 0, dst);
    }

    /**
     * Builds examples order[from..from+count) for {@code epoch} ({@link Pipeline#EVAL_EPOCH}
     * for evaluation) into the model's buffers (the model prepared for count), on this thread.
     */
    public Batch load(int from, int count, Model model, int epoch) {
        if (pipeline.isEmpty()) {
            load(from, count, model.input());
            return batch(model.input(), model.input(), null);
        }
        build(from, count, epoch, inline);
        return upload(inline, model);
    }

    /** Starts reading epoch {@code epoch} in batches of {@code batchSize} (after {@link #shuffle}). */
    public void beginEpoch(int epoch, int batchSize) {
        stopReader();
        this.epoch = epoch;
        this.batchSize = batchSize;
        this.nextFrom = 0;
        if (!background) {
            return;
        }
        failure = null;
        reader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bottleneck-batch-reader");
            t.setDaemon(true);
            return t;
        });
        int e = epoch, b = batchSize;
        reader.submit(() -> {
            try {
                for (int from = 0; from < order.length; from += b) {
                    HostBatch hb = free.take();
                    build(from, Math.min(b, order.length - from), e, hb);
                    ready.put(hb);
                }
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                failure = t;
            }
        });
    }

    /** The next batch of the epoch into the model's buffers (the model prepared for its size). */
    public Batch next(Model model) {
        int n = Math.min(batchSize, order.length - nextFrom);
        if (n <= 0) {
            throw new IllegalStateException("epoch " + epoch + " has no more batches");
        }
        Batch batch;
        if (!background) {
            batch = pipeline.isEmpty() ? raw(nextFrom, n, model) : upload(build(nextFrom, n, epoch, inline), model);
        } else {
            HostBatch hb = take();
            batch = upload(hb, model);
            free.add(hb);
        }
        nextFrom += n;
        return batch;
    }

    private Batch raw(int from, int n, Model model) {
        load(from, n, model.input());
        return batch(model.input(), model.input(), null);
    }

    private HostBatch take() {
        try {
            while (true) {
                HostBatch hb = ready.poll(100, TimeUnit.MILLISECONDS);
                if (hb != null) {
                    return hb;
                }
                Throwable t = failure;
                if (t != null) {
                    if (t instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new IllegalStateException("reading batches failed: " + t, t);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        }
    }

    /** Builds examples order[from..from+count) into hb (samples in parallel when there are workers). */
    private HostBatch build(int from, int count, int ep, HostBatch hb) {
        hb.count = count;
        hb.masked = false;
        if (workers == null) {
            for (int i = 0; i < count; i++) {
                buildOne(from, i, ep, hb);
            }
        } else {
            workers.submit(() -> IntStream.range(0, count).parallel().forEach(i -> buildOne(from, i, ep, hb))).join();
        }
        return hb;
    }

    private void buildOne(int from, int i, int ep, HostBatch hb) {
        if (pipeline.isEmpty()) {
            data.copySample(order[from + i], hb.input, i * in);
            return;
        }
        Example e = examples.get();
        pipeline.make(data, order[from + i], ep, seed, e, draws.get());
        System.arraycopy(e.input, 0, hb.input, i * in, in);
        if (hb.target != null) {
            System.arraycopy(e.target, 0, hb.target, i * out, out);
            if (e.masked) {
                System.arraycopy(e.mask, 0, hb.mask, i * out, out);
                hb.masked = true; // a benign race: only ever set to true
            } else {
                Arrays.fill(hb.mask, i * out, (i + 1) * out, 1f);
            }
        }
    }

    private Batch upload(HostBatch hb, Model model) {
        backend.upload(hb.input, 0, model.input());
        if (hb.target == null) {
            return batch(model.input(), model.input(), null);
        }
        backend.upload(hb.target, 0, model.targetBuffer());
        if (hb.masked) {
            backend.upload(hb.mask, 0, model.maskBuffer());
        }
        return batch(model.input(), model.targetBuffer(), hb.masked ? model.maskBuffer() : null);
    }

    /** The step's buffers, as the last Batch when they are the same tensors: a steady step allocates nothing here. */
    private Batch batch(Tensor input, Tensor target, Tensor mask) {
        Batch b = last;
        if (b == null || b.input() != input || b.target() != target || b.mask() != mask) {
            b = last = new Batch(input, target, mask);
        }
        return b;
    }

    private void stopReader() {
        if (reader != null) {
            reader.shutdownNow();
            try {
                reader.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reader = null;
            // return every buffer to the free list for the next epoch
            HostBatch hb;
            while ((hb = ready.poll()) != null) {
                free.add(hb);
            }
        }
    }

    @Override
    public void close() {
        stopReader();
        if (workers != null) {
            workers.shutdownNow();
        }
    }
}
