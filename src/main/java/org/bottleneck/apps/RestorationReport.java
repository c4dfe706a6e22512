package org.bottleneck.apps;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.bottleneck.apps.baselines.Colorization;
import org.bottleneck.apps.baselines.GaussianBlur;
import org.bottleneck.apps.baselines.HoleFill;
import org.bottleneck.apps.baselines.MedianFilter;
import org.bottleneck.apps.baselines.Upscale;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.transform.BoxMask;
import org.bottleneck.data.transform.Downsample;
import org.bottleneck.data.transform.Examples;
import org.bottleneck.data.transform.FixedMask;
import org.bottleneck.data.transform.GaussianNoise;
import org.bottleneck.data.transform.Luma;
import org.bottleneck.data.transform.MaskingNoise;
import org.bottleneck.data.transform.Pipeline;
import org.bottleneck.data.transform.SaltPepper;
import org.bottleneck.data.transform.Transform;
import org.bottleneck.io.AtomicFile;
import org.bottleneck.metrics.MeanStd;
import org.bottleneck.metrics.Median;
import org.bottleneck.metrics.Psnr;
import org.bottleneck.metrics.Ssim;
import org.bottleneck.tensor.Shape;
import org.bottleneck.viz.ImageGrid;

/**
 * For a model trained through a degrading pipeline: how much it restores, against the
 * classical method a practitioner would use, on the first n test examples (the evaluation
 * draws). Methods by degradation — noise: the noisy input, a 3×3 median, the Gaussian blur
 * whose σ is best on 500 training examples; downsampling: nearest and bicubic upscaling;
 * luma: the grey image and the training set's mean chroma; a hole (box or mask): mean and
 * harmonic fill. "ours" is the model's output clipped to [0, 1]; in a hole task it keeps the
 * input's pixels outside the hole, in colorization it keeps the input's luma (only its chroma
 * is the model's). Scores per image as mean ± standard error: PSNR (data range 1) and SSIM
 * (Wang et al.) on the whole image, and the pooled PSNR of the mean squared error over all
 * images (one number: a flat patch restored exactly has an infinite PSNR of its own, which
 * makes the per-image mean infinite; the pooled one stays finite), the median per-image PSNR (finite while fewer than
 * half the images are exact), and for each classical method the share of images on which ours has the higher PSNR
 * (and the share where both are equal: both exact); holes add PSNR on the hole; colorization adds PSNR and
 * mean absolute error of the chroma planes (Cb, Cr of BT.601). Writes {@code restoration.json},
 * {@code restoration.md}, {@code restoration_images.csv} (each image's PSNR by method, "inf" for
 * an exact one) and {@code restoration.png} (rows: input, each baseline, ours, target;
 * 16 examples spread evenly over the scored ones).
 */
public final class RestorationReport {
    private static final double[] SIGMAS = {0.5, 0.75, 1.0, 1.25, 1.5, 2.0};
    public static final String PSNR = "psnr", PSNR_POOLED = "psnr_pooled", PSNR_MEDIAN = "psnr_median", SSIM = "ssim",
            PSNR_HOLE = "psnr_hole", CHROMA_PSNR = "chroma_psnr", CHROMA_MAE = "chroma_mae";
    /** A classical method's row only: the share of images on which ours' PSNR is higher than its, and equal to it. */
    public static final String OURS_HIGHER = "ours_higher_psnr", OURS_EQUAL = "ours_equal_psnr";
    /** The name of the model's row. */
    public static final String OURS = "ours";

    private RestorationReport() {
    }

    /** One method's scores by key ({@link #PSNR}, …), in column order; SSIM is absent for images under 11×11. */
    public record Method(String name, Map<String, MeanStd> scores) {
        public MeanStd psnr() {
            return scores.get(PSNR);
        }

        public MeanStd get(String key) {
            return scores.get(key);
        }
    }

    /** The scores of every method and where the report went. */
    public record Report(String degradation, int images, List<Method> methods) {
        public Method method(String name) {
            return methods.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
        }

        /** The best classical method by {@code key} (higher is better, except MAE). */
        public Method bestBaseline(String key) {
            boolean lower = key.equals(CHROMA_MAE);
            Method best = null;
            for (Method m : methods) {
                if (m.name().equals(OURS) || m.get(key) == null) {
                    continue;
                }
                double v = m.get(key).mean();
                if (best == null || (lower ? v < best.get(key).mean() : v > best.get(key).mean())) {
                    best = m;
                }
            }
            return best;
        }
    }

    /** Whether the pipeline has exactly one degradation this report knows how to judge. */
    public static boolean applies(Pipeline p, Dataset data) {
        return p.degradations().size() == 1 && data.sampleShape().rank() == 3 && data.unitInterval()
                && known(p.degradations().get(0));
    }

    private static boolean known(Transform t) {
        return t instanceof GaussianNoise || t instanceof SaltPepper || t instanceof MaskingNoise || isHole(t)
                || t instanceof Downsample || t instanceof Luma;
    }

    static boolean isHole(Transform t) {
        return t instanceof BoxMask || t instanceof FixedMask;
    }

    public static Report write(Codec codec, Dataset train, Dataset test, Pipeline p, long seed, int n, Path dir)
            throws IOException {
        Transform t = p.degradations().get(0);
        Shape target = p.targetShape(test.sampleShape()), input = p.inputShape(test.sampleShape());
        int[] chw = target.dims();
        int c = chw[0], h = chw[1], w = chw[2];
        Examples ex = p.examples(test, n, Pipeline.EVAL_EPOCH, seed);
        int count = ex.count();
        boolean hole = isHole(t), colour = t instanceof Luma;
        // baselines see the image channels only (a marked hole adds a channel for the model)
        int[] in = input.dims();
        int imageSize = in[1] * in[2] * (hole ? c : in[0]);
        Function<Integer, float[]> image = i -> Arrays.copyOf(ex.input(i), imageSize);
        Function<Integer, float[]> holeOf = i -> ex.hole(i);
        Map<String, Function<Integer, float[]>> methods = new LinkedHashMap<>();
        if (t instanceof Downsample d && !d.up()) {
            methods.put("nearest", i -> Upscale.nearest(image.apply(i), c, in[1], in[2], h, w));
            methods.put("bicubic", i -> Upscale.bicubic(image.apply(i), c, in[1], in[2], h, w));
        } else if (colour) {
            Examples fit = Pipeline.NONE.examples(train, 500, 0, seed);
            List<float[]> rgb = new ArrayList<>();
            for (int i = 0; i < fit.count(); i++) {
                rgb.add(fit.target(i));
            }
            Colorization.Chroma mean = Colorization.meanChroma(rgb, h, w);
            methods.put("grey", i -> Colorization.grey(image.apply(i), h, w));
            methods.put("mean chroma", i -> mean.colorize(image.apply(i), h, w));
        } else if (hole) {
            methods.put("mean fill", i -> HoleFill.mean(image.apply(i), holeOf.apply(i), c, h, w));
            methods.put("harmonic fill", i -> HoleFill.harmonic(image.apply(i), holeOf.apply(i), c, h, w));
        } else {
            Examples fit = p.examples(train, 500, 0, seed);
            List<float[]> nx = new ArrayList<>(), nt = new ArrayList<>();
            for (int i = 0; i < fit.count(); i++) {
                nx.add(fit.input(i));
                nt.add(fit.target(i));
            }
            double sigma = GaussianBlur.bestSigma(nx, nt, c, h, w, SIGMAS);
            methods.put("input", image::apply);
            methods.put("median 3x3", i -> MedianFilter.median3x3(image.apply(i), c, h, w));
            methods.put(String.format(Locale.ROOT, "gaussian blur σ=%.2f", sigma), i -> GaussianBlur.blur(image.apply(i), c, h, w, sigma));
        }
        float[] out = codec.reconstruct(ex.inputs(), count);
        methods.put(OURS, i -> ours(Arrays.copyOfRange(out, i * c * h * w, (i + 1) * c * h * w), image.apply(i),
                hole ? holeOf.apply(i) : null, colour, h, w));

        List<Method> results = new ArrayList<>();
        Map<String, double[]> psnrs = new LinkedHashMap<>(); // per image, by method
        Map<String, float[]> panel = new LinkedHashMap<>();
        // the panel's examples spread over the scored ones: patches of one photo come in a run
        int shown = Math.min(16, count), size = c * h * w;
        int[] panelIndex = new int[count];
        java.util.Arrays.fill(panelIndex, -1);
        for (int k = 0; k < shown; k++) {
            panelIndex[(int) ((long) k * count / shown)] = k;
        }
        boolean ssimFits = h >= Ssim.WINDOW && w >= Ssim.WINDOW;
        for (Map.Entry<String, Function<Integer, float[]>> m : methods.entrySet()) {
            Map<String, double[]> per = new LinkedHashMap<>();
            per.put(PSNR, new double[count]);
            double[] mse = new double[count];
            if (ssimFits) {
                per.put(SSIM, new double[count]);
            }
            if (hole) {
                per.put(PSNR_HOLE, new double[count]);
            }
            if (colour) {
                per.put(CHROMA_PSNR, new double[count]);
                per.put(CHROMA_MAE, new double[count]);
            }
            float[] rows = new float[shown * size];
            for (int i = 0; i < count; i++) {
                float[] y = m.getValue().apply(i), truth = ex.target(i);
                mse[i] = Psnr.mse(y, truth);
                per.get(PSNR)[i] = Psnr.fromMse(mse[i]);
                if (ssimFits) {
                    per.get(SSIM)[i] = Ssim.ssim(y, truth, c, h, w);
                }
                if (hole) {
                    per.get(PSNR_HOLE)[i] = Psnr.psnr(y, truth, perChannel(holeOf.apply(i), c));
                }
                if (colour) {
                    float[] cy = chroma(y, h, w), ct = chroma(truth, h, w);
                    per.get(CHROMA_PSNR)[i] = Psnr.psnr(cy, ct);
                    per.get(CHROMA_MAE)[i] = meanAbs(cy, ct);
                }
                if (panelIndex[i] >= 0) {
                    System.arraycopy(y, 0, rows, panelIndex[i] * size, size);
                }
            }
            Map<String, MeanStd> scores = new LinkedHashMap<>();
            per.forEach((k, v) -> scores.put(k, MeanStd.of(v)));
            scores.put(PSNR_POOLED, single(Psnr.fromMse(MeanStd.of(mse).mean()), count));
            scores.put(PSNR_MEDIAN, single(Median.of(per.get(PSNR)), count));
            results.add(new Method(m.getKey(), scores));
            psnrs.put(m.getKey(), per.get(PSNR));
            panel.put(m.getKey(), rows);
        }
        double[] oursPsnr = psnrs.get(OURS);
        for (Method m : results) {
            if (!m.name().equals(OURS)) {
                double[] share = higherAndEqual(oursPsnr, psnrs.get(m.name()));
                m.scores().put(OURS_HIGHER, single(share[0], count));
                m.scores().put(OURS_EQUAL, single(share[1], count));
            }
        }
        Report report = new Report(p.degradeSpec(), count, results);
        drawPanel(ex, image, hole ? Shape.of(c, in[1], in[2]) : input, chw, shown, count, panel, dir.resolve("restoration.png"));
        writeJson(report, dir.resolve("restoration.json"));
        writeMarkdown(report, dir.resolve("restoration.md"));
        writePerImage(psnrs, count, dir.resolve("restoration_images.csv"));
        return report;
    }

    /**
     * The shares of images on which {@code ours}' score is higher than {@code theirs}' and
     * equal to it (two +∞, both exact, are equal), paired by index: {higher, equal}.
     */
    static double[] higherAndEqual(double[] ours, double[] theirs) {
        if (ours.length != theirs.length || ours.length == 0) {
            throw new IllegalArgumentException("paired scores need the same, non-zero count: " + ours.length + " and "
                    + theirs.length);
        }
        int higher = 0, equal = 0;
        for (int i = 0; i < ours.length; i++) {
            higher += ours[i] > theirs[i] ? 1 : 0;
            equal += ours[i] == theirs[i] ? 1 : 0;
        }
        return new double[] {(double) higher / ours.length, (double) equal / ours.length};
    }

    /** One number over n images (a pooled or median score, a share): no standard error. */
    private static MeanStd single(double value, int n) {
        return new MeanStd(value, Double.NaN, Double.NaN, n);
    }

    /**
     * The model's output y (C, H, W) as the report scores it: clipped to [0, 1]; outside a hole
     * the input's pixels; for colorization the input's luma with y's chroma.
     */
    static float[] ours(float[] y, float[] input, float[] hole, boolean colour, int h, int w) {
        for (int j = 0; j < y.length; j++) {
            y[j] = Math.min(1f, Math.max(0f, y[j]));
        }
        int plane = h * w;
        if (hole != null) {
            for (int j = 0; j < y.length; j++) {
                if (hole[j % plane] <= 0.5f) {
                    y[j] = input[j];
                }
            }
        }
        if (colour) {
            float[] ycc = Colorization.toYCbCr(y, h, w);
            System.arraycopy(input, 0, ycc, 0, plane); // the known luma
            y = Colorization.toRgb(ycc, h, w);
            for (int j = 0; j < y.length; j++) {
                y[j] = Math.min(1f, Math.max(0f, y[j]));
            }
        }
        return y;
    }

    /** The Cb and Cr planes (2, H, W) of an RGB image. */
    private static float[] chroma(float[] rgb, int h, int w) {
        return Arrays.copyOfRange(Colorization.toYCbCr(rgb, h, w), h * w, 3 * h * w);
    }

    private static double meanAbs(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs(a[i] - b[i]);
        }
        return s / a.length;
    }

    private static float[] perChannel(float[] plane, int c) {
        float[] m = new float[plane.length * c];
        for (int ch = 0; ch < c; ch++) {
            System.arraycopy(plane, 0, m, ch * plane.length, plane.length);
        }
        return m;
    }

    private static void drawPanel(Examples ex, Function<Integer, float[]> image, Shape imageShape, int[] chw,
                                  int shown, int count, Map<String, float[]> methods, Path png) {
        int size = chw[0] * chw[1] * chw[2];
        float[] inRow = new float[shown * size], tRow = new float[shown * size];
        for (int k = 0; k < shown; k++) {
            int i = (int) ((long) k * count / shown);
            System.arraycopy(Figures.atTargetSize(image.apply(i), imageShape, chw), 0, inRow, k * size, size);
            System.arraycopy(ex.target(i), 0, tRow, k * size, size);
        }
        List<String> labels = new ArrayList<>(List.of("input"));
        List<float[]> rows = new ArrayList<>(List.of(inRow));
        for (Map.Entry<String, float[]> m : methods.entrySet()) {
            if (!m.getKey().equals("input")) {
                labels.add(m.getKey());
                rows.add(m.getValue());
            }
        }
        labels.add("target");
        rows.add(tRow);
        ImageGrid.writeRows(png, labels, rows, chw[0], chw[1], chw[2], 2);
    }

    /** image,psnr_&lt;method&gt;…: one row per scored image, in the order the report drew them. */
    private static void writePerImage(Map<String, double[]> psnrs, int count, Path file) throws IOException {
        StringBuilder sb = new StringBuilder("image");
        for (String m : psnrs.keySet()) {
            sb.append(",psnr_").append(m.replaceAll("[^A-Za-z0-9]+", "_"));
        }
        sb.append('\n');
        for (int i = 0; i < count; i++) {
            sb.append(i);
            for (double[] v : psnrs.values()) {
                sb.append(',').append(Double.isInfinite(v[i]) ? "inf" : String.format(Locale.ROOT, "%.4f", v[i]));
            }
            sb.append('\n');
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(file, ch -> ch.write(ByteBuffer.wrap(bytes)));
    }

    private static void writeJson(Report r, Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode o = json.createObjectNode();
        o.put("degradation", r.degradation());
        o.put("test_images", r.images());
        ArrayNode methods = o.putArray("methods");
        for (Method m : r.methods()) {
            ObjectNode row = methods.addObject();
            row.put("name", m.name());
            m.scores().forEach((k, v) -> put(row, k, v));
        }
        byte[] bytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(o);
        AtomicFile.write(file, ch -> ch.write(ByteBuffer.wrap(bytes)));
    }

    /** Mean and standard error; a non-finite value (PSNR of a perfect copy is +∞) as null, JSON has no ∞. */
    private static void put(ObjectNode r, String key, MeanStd s) {
        ObjectNode v = r.putObject(key);
        if (Double.isFinite(s.mean())) {
            v.put("mean", s.mean());
        } else {
            v.putNull("mean");
        }
        if (Double.isFinite(s.stderr())) {
            v.put("stderr", s.stderr());
        } else {
            v.putNull("stderr");
        }
    }

    private static final Map<String, String> HEADINGS = Map.of(PSNR, "PSNR", PSNR_POOLED, "pooled PSNR", PSNR_MEDIAN,
            "median PSNR", SSIM, "SSIM", PSNR_HOLE, "PSNR on the hole", CHROMA_PSNR, "chroma PSNR", CHROMA_MAE,
            "chroma MAE", OURS_HIGHER, "ours higher PSNR on");

    private static void writeMarkdown(Report r, Path file) throws IOException {
        List<String> keys = new ArrayList<>(r.methods().get(0).scores().keySet()); // a classical method's: every key
        keys.remove(OURS_EQUAL); // shown with OURS_HIGHER
        StringBuilder sb = new StringBuilder("Restoration of `" + r.degradation() + "` on " + r.images() + " test images "
                + "(PSNR in dB, data range 1; SSIM per Wang et al. 2004" + (keys.contains(SSIM) ? "" : ", n/a: images under 11×11")
                + "; mean ± standard error)\n\n| method |");
        for (String k : keys) {
            sb.append(' ').append(HEADINGS.get(k)).append(" |");
        }
        sb.append("\n|---|").append("---|".repeat(keys.size())).append('\n');
        for (Method m : r.methods()) {
            sb.append("| ").append(m.name()).append(" |");
            for (String k : keys) {
                MeanStd v = m.get(k);
                sb.append(' ').append(v == null ? "—"
                        : k.equals(OURS_HIGHER) ? String.format(Locale.ROOT, "%.1f%% of images (equal %.1f%%)", 100 * v.mean(),
                                100 * m.get(OURS_EQUAL).mean())
                        : k.equals(SSIM) || k.equals(CHROMA_MAE) ? v.format(4) : v.format()).append(" |");
            }
            sb.append('\n');
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(file, ch -> ch.write(ByteBuffer.wrap(bytes)));
    }
}
