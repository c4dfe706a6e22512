package org.bottleneck.apps.explore;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.bottleneck.apps.Codec;
import org.bottleneck.apps.CodecPool;
import org.bottleneck.apps.Figures;
import org.bottleneck.backend.Backend;
import org.bottleneck.data.Dataset;
import org.bottleneck.model.Model;
import org.bottleneck.model.OutputKind;
import org.bottleneck.train.EvalResult;
import org.bottleneck.train.Evaluator;
import org.bottleneck.viz.ImageGrid;

/**
 * What the explorer's HTTP API serves, without the HTTP: a trained model in a {@link CodecPool},
 * the n samples shown on the page (in memory, (n, D)), their codes on a {@link LatentMap}, and
 * the model's metrics on those samples. Images come back as PNG bytes at the model's own
 * resolution (the page enlarges them). Every call that runs the model takes one of the pool's
 * codecs: at most {@code 4 × pool size} calls wait or run at once, and a call waits at most
 * {@link #WAIT_MS} for a codec; past either bound it throws {@link Overloaded} (HTTP 503) rather
 * than queueing without bound. Safe from many threads.
 */
public final class Explorer implements AutoCloseable {
    /** Longest wait for a free codec before a request is refused as overloaded. */
    public static final long WAIT_MS = 1000;
    /** Most output values one grid or interpolation request may decode (16 MiB of floats). */
    static final long DECODE_BUDGET = 4L << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CodecPool pool;
    private final Semaphore admitted;
    private final LatentMap map;
    private final float[] samples;        // (n, D) the shown samples as the model sees them
    private final int d;
    private final SampleRaster inRaster, outRaster;
    private final ObjectNode info;
    private final int gridLimit, stepsLimit; // the limits info lists, read once

    /** Thrown when every codec is busy and the waiting room is full, or the wait ran out: answer 503. */
    public static final class Overloaded extends RuntimeException {
        Overloaded(String message) {
            super(message);
        }
    }

    private Explorer(CodecPool pool, LatentMap map, float[] samples, int d, SampleRaster in, SampleRaster out,
                     ObjectNode info) {
        this.pool = pool;
        this.admitted = new Semaphore(4 * pool.size());
        this.map = map;
        this.samples = samples;
        this.d = d;
        this.inRaster = in;
        this.outRaster = out;
        this.info = info;
        this.gridLimit = info.get("limits").get("grid").asInt();
        this.stepsLimit = info.get("limits").get("steps").asInt();
    }

    /**
     * Loads {@code checkpoint} into a pool of {@code workers} codecs (each on a backend from
     * {@code backends}), encodes every sample of {@code points} and measures the model on them.
     *
     * @throws IllegalArgumentException when the model does not take the data's samples, or its code has fewer than 2 values
     */
    public static Explorer open(Path checkpoint, Dataset points, int workers, Supplier<Backend> backends,
                                PrintStream log) {
        if (points.size() < 3) {
            throw new IllegalArgumentException("the explorer needs at least 3 samples to show, '" + points.name()
                    + "' has " + points.size());
        }
        CodecPool pool = CodecPool.load(checkpoint, workers, backends);
        try {
            int n = points.size(), d = points.features();
            float[] x;
            float[] codes;
            ObjectNode info = JSON.createObjectNode();
            SampleRaster in, out;
            boolean variational;
            try (CodecPool.Lease lease = pool.borrow()) {
                Codec codec = lease.codec();
                Model model = codec.model();
                if (model.inputSize() != d) {
                    throw new IllegalArgumentException("model '" + model.architecture().name() + "' of " + checkpoint
                            + " takes samples of shape " + model.inputShape() + ", the data '" + points.name()
                            + "' gives " + points.sampleShape());
                }
                if (model.latentDim() < 2) {
                    throw new IllegalArgumentException("the explorer draws a plane of codes and needs a code of at least 2 "
                            + "values; model '" + model.architecture().name() + "' has " + model.latentDim());
                }
                long t0 = System.nanoTime();
                x = Figures.images(points, 0, n);
                codes = codec.encode(x, n);
                variational = model.isVariational();
                in = SampleRaster.of(points.sampleShape(), points.unitInterval());
                boolean outUnit = model.architecture().output() != OutputKind.MSE || points.unitInterval();
                out = SampleRaster.of(model.outputShape(), outUnit);
                describe(info, checkpoint, model, points, in, out);
                if (model.outputSize() == d) {
                    EvalResult r = Evaluator.evaluate(model, points, 256);
                    ObjectNode m = info.putObject("metrics");
                    m.put("samples", r.samples());
                    m.put("loss", r.loss());
                    m.put("recon", r.recon());
                    if (variational) {
                        m.put("kl", r.kl());
                        m.put("neg_elbo", r.negElbo());
                    }
                    m.put("mse_per_value", r.msePerPixel());
                }
                log.printf(Locale.ROOT, "explore  encoded %d samples of %s in %.1f s%n", n, points.name(),
                        (System.nanoTime() - t0) / 1e9);
            }
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = points.label(i);
            }
            LatentMap map = LatentMap.of(codes, n, codes.length / n, labels, points.classNames(), variational);
            ObjectNode plane = info.putObject("plane");
            plane.put("kind", map.principalPlane() ? "pca" : "code");
            if (map.principalPlane()) {
                ArrayNode ev = plane.putArray("explained");
                for (double r : map.explainedVarianceRatio()) {
                    ev.add(r);
                }
            }
            return new Explorer(pool, map, x, d, in, out, info);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.close();
            throw new IllegalStateException("interrupted while loading the explorer", e);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    private static void describe(ObjectNode info, Path checkpoint, Model model, Dataset points, SampleRaster in,
                                 SampleRaster out) {
        info.put("checkpoint", checkpoint.getFileName().toString());
        info.put("name", model.architecture().name());
        info.put("architecture", model.architecture().describe());
        info.put("input_shape", model.inputShape().toString());
        info.put("output_shape", model.outputShape().toString());
        info.put("code_size", model.latentDim());
        info.put("variational", model.isVariational());
        info.put("backend", model.backend().describe());
        info.put("data", points.name());
        info.put("points", points.size());
        info.put("input_drawn_as", in.kind());
        info.put("output_drawn_as", out.kind());
        ObjectNode limits = info.putObject("limits");
        limits.put("grid", maxGridSide(model.outputSize()));
        limits.put("steps", maxSteps(model.outputSize()));
        limits.put("neighbours", Math.min(LatentMap.MAX_NEIGHBOURS, points.size() - 1));
    }

    public LatentMap map() {
        return map;
    }

    /** Largest grid side for outputs of {@code out} values: side² · out within {@link #DECODE_BUDGET}, at most {@link LatentMap#MAX_GRID}. */
    static int maxGridSide(int out) {
        return (int) Math.max(1, Math.min(LatentMap.MAX_GRID, (long) Math.sqrt((double) DECODE_BUDGET / out)));
    }

    /** Most interpolation steps for outputs of {@code out} values, likewise (at least 2). */
    static int maxSteps(int out) {
        return (int) Math.max(2, Math.min(LatentMap.MAX_STEPS, DECODE_BUDGET / out));
    }

    /** This model's largest grid side (see {@link #maxGridSide}). */
    public int maxGridSide() {
        return gridLimit;
    }

    /** This model's most interpolation steps. */
    public int maxSteps() {
        return stepsLimit;
    }

    /** The pool itself, for tests that hold its codecs. */
    CodecPool pool() {
        return pool;
    }

    /** Codecs in the pool. */
    public int workers() {
        return pool.size();
    }

    /** The model, its data, plane and metrics (see {@code /api/info}). */
    public ObjectNode info() {
        return info.deepCopy();
    }

    /** Every shown point: {@code {"x": [...], "y": [...], "label": [...], "classes": [...]}}. */
    public ObjectNode points() {
        ObjectNode o = JSON.createObjectNode();
        float[] p = map.planePoints();
        ArrayNode xs = o.putArray("x"), ys = o.putArray("y"), labels = o.putArray("label");
        for (int i = 0; i < map.size(); i++) {
            xs.add(p[2 * i]);
            ys.add(p[2 * i + 1]);
            labels.add(map.label(i));
        }
        ArrayNode classes = o.putArray("classes");
        map.classNames().forEach(classes::add);
        return o;
    }

    /** Point i's plane position, label and its k nearest neighbours in code space (index, label, distance). */
    public ObjectNode neighbours(int i, int k) {
        int[] near = map.neighbours(i, k);
        float[] p = map.planeOf(map.code(i));
        ObjectNode o = JSON.createObjectNode();
        o.put("i", i);
        o.put("label", map.label(i));
        o.put("x", p[0]);
        o.put("y", p[1]);
        ArrayNode a = o.putArray("neighbours");
        for (int j : near) {
            a.addObject().put("i", j).put("label", map.label(j)).put("distance", Math.sqrt(map.distance2(i, j)));
        }
        return o;
    }

    /** PNG of the decoded code (Z). */
    public byte[] decode(float[] code) {
        float[] y = onCodec(c -> {
            float[] out = new float[c.model().outputSize()];
            c.decode(code, out);
            return out;
        });
        return png(outRaster, y, 1, 1);
    }

    /** PNG of shown sample i as the model sees it. */
    public byte[] image(int i) {
        map.checkIndex(i);
        float[] r = new float[inRaster.rasterSize()];
        inRaster.draw(samples, i * d, r, 0);
        return ImageGrid.png(r, 1, inRaster.channels(), inRaster.height(), inRaster.width(), 1, 1);
    }

    /** PNG of the model's reconstruction of shown sample i (decode of its code: the mean for a VAE). */
    public byte[] reconstruction(int i) {
        map.checkIndex(i);
        float[] x = java.util.Arrays.copyOfRange(samples, i * d, (i + 1) * d);
        float[] y = onCodec(c -> {
            float[] out = new float[c.model().outputSize()];
            c.reconstruct(x, out);
            return out;
        });
        return png(outRaster, y, 1, 1);
    }

    /**
     * PNG of the side×side decoded grid of the plane (see {@link LatentMap#gridCodes}), 1-pixel
     * gaps; side at most {@link #maxGridSide()}. Drawn while the codec is held, so the admission
     * bound also bounds the memory of requests in flight.
     */
    public byte[] grid(int side) {
        if (side > maxGridSide()) {
            throw new IllegalArgumentException("grid side must be in 1.." + maxGridSide() + " for this model, got " + side);
        }
        LatentMap.Grid g = map.gridCodes(side);
        return onCodec(c -> png(outRaster, c.decode(g.codes(), side * side), side * side, side));
    }

    /** PNG strip of {@code steps} decodes from code a to code b, left to right; steps at most {@link #maxSteps()}. */
    public byte[] interpolate(float[] a, float[] b, int steps) {
        if (steps > maxSteps()) {
            throw new IllegalArgumentException("steps must be in 2.." + maxSteps() + " for this model, got " + steps);
        }
        float[] codes = map.interpolate(a, b, steps);
        return onCodec(c -> png(outRaster, c.decode(codes, steps), steps, steps));
    }

    private static byte[] png(SampleRaster r, float[] outputs, int count, int columns) {
        int per = outputs.length / count;
        float[] raster = new float[count * r.rasterSize()];
        for (int i = 0; i < count; i++) {
            r.draw(outputs, i * per, raster, i * r.rasterSize());
        }
        return ImageGrid.png(raster, count, r.channels(), r.height(), r.width(), columns, 1);
    }

    /** Runs {@code work} on a free codec, within the admission and wait bounds of the class comment. */
    private <T> T onCodec(Function<Codec, T> work) {
        if (!admitted.tryAcquire()) {
            throw new Overloaded("busy: " + admitted.availablePermits() + " of " + 4 * pool.size()
                    + " request slots free; try again");
        }
        try (CodecPool.Lease lease = pool.borrow(WAIT_MS, TimeUnit.MILLISECONDS)) {
            return work.apply(lease.codec());
        } catch (TimeoutException e) {
            throw new Overloaded("busy: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Overloaded("interrupted while waiting for a codec");
        } finally {
            admitted.release();
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
