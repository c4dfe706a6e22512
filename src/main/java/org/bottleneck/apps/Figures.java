package org.bottleneck.apps;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.Resize;
import org.bottleneck.data.transform.Examples;
import org.bottleneck.data.transform.Pipeline;
import org.bottleneck.tensor.Shape;
import org.bottleneck.train.EpochMetrics;
import org.bottleneck.viz.ImageGrid;
import org.bottleneck.viz.TrainingCurve;

/** The pictures a run leaves behind: reconstructions, samples, interpolations, the loss curve. */
public final class Figures {
    private static final int SCALE = 2;

    private Figures() {
    }

    /** First n test images (top row) above their reconstructions (bottom row). */
    public static void reconstructions(Codec codec, Dataset data, int n, Path png) {
        int count = Math.min(n, data.size());
        float[] x = images(data, 0, count);
        float[] y = codec.reconstruct(x, count);
        int[] chw = imageShape(data);
        ImageGrid.writeRows(png, List.of("input", "output"), List.of(x, y), chw[0], chw[1], chw[2], SCALE);
    }

    /**
     * For a model trained through a degrading pipeline: the first n test examples' degraded
     * inputs (when they have the target's shape), the model's outputs and the clean targets,
     * one row each; the evaluation draws ({@link Pipeline#EVAL_EPOCH}).
     */
    public static void restorations(Codec codec, Dataset data, Pipeline pipeline, long seed, int n, Path png) {
        Examples ex = pipeline.examples(data, n, Pipeline.EVAL_EPOCH, seed);
        Shape target = ex.targetShape(), input = ex.inputShape();
        float[] x = ex.inputs(), t = ex.targets();
        float[] y = codec.reconstruct(x, ex.count());
        int[] chw = target.rank() == 3 ? target.dims() : imageShape(data);
        List<String> labels = new ArrayList<>();
        List<float[]> rows = new ArrayList<>();
        if (input.equals(target)) {
            labels.add("input");
            rows.add(x);
        }
        labels.add("output");
        rows.add(y);
        labels.add("target");
        rows.add(t);
        ImageGrid.writeRows(png, labels, rows, chw[0], chw[1], chw[2], SCALE);
    }

    /**
     * n decoded draws: from the prior N(0, I) for a VAE, from a Gaussian fitted to the codes of
     * {@code fitData} for a plain autoencoder.
     */
    public static void samples(Codec codec, Dataset fitData, int n, long seed, Path png) {
        float[] codes;
        int z = codec.model().latentDim();
        if (codec.model().isVariational()) {
            codes = codec.sampleCodes(n, seed, null, null);
        } else {
            int m = Math.min(fitData.size(), 10_000);
            LatentGaussian g = LatentGaussian.fit(codec.encode(images(fitData, 0, m), m), m, z);
            codes = codec.sampleCodes(n, seed, g.mean(), g.cholesky());
        }
        float[] x = codec.decode(codes, n);
        int[] chw = imageShape(fitData);
        ImageGrid.write(png, x, n, chw[0], chw[1], chw[2], (int) Math.ceil(Math.sqrt(n)), SCALE);
    }

    /**
     * One row per pair of images (a, b): decodes of (1−t)·code(a) + t·code(b) for t = 0…1 in
     * {@code steps} steps, framed by the two originals.
     */
    public static void interpolation(Codec codec, Dataset data, int[][] pairs, int steps, Path png) {
        int d = data.features(), z = codec.model().latentDim();
        List<float[]> rows = new ArrayList<>();
        for (int[] p : pairs) {
            float[] a = images(data, p[0], 1), b = images(data, p[1], 1);
            float[] ca = codec.encode(a, 1), cb = codec.encode(b, 1);
            float[] codes = new float[steps * z];
            for (int s = 0; s < steps; s++) {
                float t = steps == 1 ? 0 : (float) s / (steps - 1);
                for (int j = 0; j < z; j++) {
                    codes[s * z + j] = (1 - t) * ca[j] + t * cb[j];
                }
            }
            float[] dec = codec.decode(codes, steps);
            float[] row = new float[(steps + 2) * d];
            System.arraycopy(a, 0, row, 0, d);
            System.arraycopy(dec, 0, row, d, steps * d);
            System.arraycopy(b, 0, row, (steps + 1) * d, d);
            rows.add(row);
        }
        int[] chw = imageShape(data);
        ImageGrid.writeRows(png, null, rows, chw[0], chw[1], chw[2], SCALE);
    }

    /** Train and validation loss per epoch. */
    public static void trainingCurve(List<EpochMetrics> history, String title, Path png) {
        int n = history.size();
        int[] epochs = new int[n];
        double[] train = new double[n], val = new double[n];
        for (int i = 0; i < n; i++) {
            epochs[i] = history.get(i).epoch();
            train[i] = history.get(i).trainLoss();
            val[i] = history.get(i).valLoss();
        }
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("train", train);
        series.put("validation", val);
        TrainingCurve.write(png, title, "loss per image (nats or squared error)", epochs, series);
    }

    /** Samples [from, from+n) as one (n, D) array. */
    public static float[] images(Dataset data, int from, int n) {
        if (from < 0 || from + n > data.size()) {
            throw new IllegalArgumentException("images [" + from + ", " + (from + n) + ") out of a dataset of "
                    + data.size());
        }
        int d = data.features();
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            data.copySample(from + i, x, i * d);
        }
        return x;
    }

    /** Whether the dataset's samples can be drawn: images in [0, 1], or flat vectors of a square size in [0, 1]. */
    public static boolean drawable(Dataset data) {
        var s = data.sampleShape();
        int side = (int) Math.round(Math.sqrt(data.features()));
        return data.unitInterval() && (s.rank() == 2 || s.rank() == 3 || (s.rank() == 1 && side * side == data.features()));
    }

    /** (C, H, W) of the dataset's images; a flat sample of D features is drawn as 1 × √D × √D if square. */
    static int[] imageShape(Dataset data) {
        var s = data.sampleShape();
        if (s.rank() == 3) {
            return s.dims();
        }
        if (s.rank() == 2) {
            return new int[] {1, s.dim(0), s.dim(1)};
        }
        int side = (int) Math.round(Math.sqrt(data.features()));
        if (s.rank() != 1 || side * side != data.features()) {
            throw new IllegalArgumentException("cannot draw samples of shape " + s + " as images");
        }
        return new int[] {1, side, side};
    }

    /** An input of shape {@code in} drawn at the target's (C, H, W): enlarged (nearest) and grey replicated. */
    public static float[] atTargetSize(float[] x, Shape in, int[] chw) {
        if (in.size() == (long) chw[0] * chw[1] * chw[2] && (in.rank() != 3 || in.dim(0) == chw[0])) {
            return java.util.Arrays.copyOf(x, (int) in.size());
        }
        int c = in.dim(0), h = in.dim(1), w = in.dim(2);
        float[] big = Resize.resize(java.util.Arrays.copyOf(x, (int) in.size()), c, h, w, chw[1], chw[2], Resize.Filter.BOX);
        if (c == chw[0]) {
            return big;
        }
        float[] rgb = new float[chw[0] * chw[1] * chw[2]];
        int plane = chw[1] * chw[2];
        for (int k = 0; k < chw[0]; k++) {
            System.arraycopy(big, 0, rgb, k * plane, plane);
        }
        return rgb;
    }
}
