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
import org.bottleneck.data.transform.GaussianNoise;
import org.bottleneck.data.transform.Luma;
import org.bottleneck.data.transform.MaskingNoise;
import org.bottleneck.data.transform.Pipeline;
import org.bottleneck.data.transform.SaltPepper;
import org.bottleneck.data.transform.Transform;
import org.bottleneck.io.AtomicFile;
import org.bottleneck.metrics.MeanStd;
import org.bottleneck.metrics.Psnr;
import org.bottleneck.metrics.Ssim;
import org.bottleneck.tensor.Shape;
import org.bottleneck.viz.ImageGrid;

/**
 * For a model trained through a degrading pipeline: how much it restores, against the
 * classical method a practitioner would use, on the first n test examples (the evaluation
 * draws). Methods by degradation — noise: the noisy input, a 3×3 median, the Gaussian blur
 * whose σ is best on 500 training examples; downsampling: nearest and bicubic upscaling;
 * luma: the grey image and the training set's mean chroma; a box hole: mean and harmonic
 * fill, with our output kept only inside the hole. PSNR (data range 1) and SSIM (Wang et al.)
 * per image as mean ± standard error; for holes PSNR on the hole too. Writes
 * {@code restoration.json}, {@code restoration.md} and {@code restoration.png} (rows: input,
 * each baseline, ours, target).
 */
public final class RestorationReport {
    private static final double[] SIGMAS = {0.5, 0.75, 1.0, 1.25, 1.5, 2.0};

    private RestorationReport() {
    }

    /**
     * One method's scores. {@code ssim} is null for images smaller than SSIM's 11×11 window,
     * {@code psnrHole} null unless the degradation is a hole.
     */
    public record Method(String name, MeanStd psnr, MeanStd ssim, MeanStd psnrHole) {
    }

    /** Whether the pipeline has exactly one degradation this report knows how to judge. */
    public static boolean applies(Pipeline p, Dataset data) {
        return p.degradations().size() == 1 && data.sampleShape().rank() == 3 && data.unitInterval()
                && known(p.degradations().get(0));
    }

    private static boolean known(Transform t) {
        return t instanceof GaussianNoise || t instanceof SaltPepper || t instanceof MaskingNoise || t instanceof BoxMask
                || t instanceof Downsample || t instanceof Luma;
    }

    public static List<Method> write(Codec codec, Dataset train, Dataset test, Pipeline p, long seed, int n, Path dir)
            throws IOException {
        Transform t = p.degradations().get(0);
        Shape target = p.targetShape(test.sampleShape()), input = p.inputShape(test.sampleShape());
        int[] chw = target.dims();
        int c = chw[0], h = chw[1], w = chw[2];
        List<float[]> xs = new ArrayList<>(), ts = new ArrayList<>(), ms = new ArrayList<>();
        examples(test, p, seed, Math.min(n, test.size()), Pipeline.EVAL_EPOCH, xs, ts, ms);
        Map<String, Function<Integer, float[]>> methods = new LinkedHashMap<>();
        int[] in = input.dims();
        if (t instanceof Downsample d && !d.up()) {
            methods.put("nearest", i -> Upscale.nearest(xs.get(i), c, in[1], in[2], h, w));
            methods.put("bicubic", i -> Upscale.bicubic(xs.get(i), c, in[1], in[2], h, w));
        } else if (t instanceof Luma) {
            List<float[]> fit = new ArrayList<>(), unused = new ArrayList<>();
            examples(train, Pipeline.NONE, seed, Math.min(500, train.size()), 0, fit, unused, new ArrayList<>());
            Colorization.Chroma mean = Colorization.meanChroma(fit, h, w);
            methods.put("grey", i -> Colorization.grey(xs.get(i), h, w));
            methods.put("mean chroma", i -> mean.colorize(xs.get(i), h, w));
        } else if (t instanceof BoxMask) {
            methods.put("mean fill", i -> HoleFill.mean(xs.get(i), ms.get(i), c, h, w));
            methods.put("harmonic fill", i -> HoleFill.harmonic(xs.get(i), ms.get(i), c, h, w));
        } else {
            List<float[]> nx = new ArrayList<>(), nt = new ArrayList<>();
            examples(train, p, seed, Math.min(500, train.size()), 0, nx, nt, new ArrayList<>());
            double sigma = GaussianBlur.bestSigma(nx, nt, c, h, w, SIGMAS);
            methods.put("input", xs::get);
            methods.put("median 3x3", i -> MedianFilter.median3x3(xs.get(i), c, h, w));
            methods.put(String.format(Locale.ROOT, "gaussian blur σ=%.2f", sigma), i -> GaussianBlur.blur(xs.get(i), c, h, w, sigma));
        }
        int count = xs.size();
        float[] batch = new float[count * (int) input.size()];
        for (int i = 0; i < count; i++) {
            System.arraycopy(xs.get(i), 0, batch, i * (int) input.size(), (int) input.size());
        }
        float[] out = codec.reconstruct(batch, count);
        boolean hole = t instanceof BoxMask;
        methods.put("ours", i -> {
            float[] y = Arrays.copyOfRange(out, i * c * h * w, (i + 1) * c * h * w);
            for (int j = 0; j < y.length; j++) {
                y[j] = Math.min(1f, Math.max(0f, y[j]));
                if (hole && ms.get(i)[j] == 0f) {
                    y[j] = xs.get(i)[j]; // outside the hole the output keeps the input pixels
                }
            }
            return y;
        });
        List<Method> results = new ArrayList<>();
        Map<String, float[]> panel = new LinkedHashMap<>();
        int shown = Math.min(16, count);
        for (Map.Entry<String, Function<Integer, float[]>> m : methods.entrySet()) {
            double[] psnr = new double[count], ssim = new double[count], holePsnr = new double[count];
            float[] rows = new float[shown * c * h * w];
            for (int i = 0; i < count; i++) {
                float[] y = m.getValue().apply(i);
                psnr[i] = Psnr.psnr(y, ts.get(i));
                ssim[i] = h >= Ssim.WINDOW && w >= Ssim.WINDOW ? Ssim.ssim(y, ts.get(i), c, h, w) : Double.NaN;
                holePsnr[i] = hole ? Psnr.psnr(y, ts.get(i), ms.get(i)) : Double.NaN;
                if (i < shown) {
                    System.arraycopy(y, 0, rows, i * c * h * w, c * h * w);
                }
            }
            boolean ssimFits = h >= Ssim.WINDOW && w >= Ssim.WINDOW;
            results.add(new Method(m.getKey(), MeanStd.of(psnr), ssimFits ? MeanStd.of(ssim) : null,
                    hole ? MeanStd.of(holePsnr) : null));
            panel.put(m.getKey(), rows);
        }
        drawPanel(xs, ts, input, chw, shown, panel, dir.resolve("restoration.png"));
        writeJson(results, p, count, dir.resolve("restoration.json"));
        writeMarkdown(results, p, count, dir.resolve("restoration.md"));
        return results;
    }

    /** The first n examples of data through the pipeline, as lists: inputs, targets, masks (all ones without a hole). */
    private static void examples(Dataset data, Pipeline p, long seed, int n, int epoch, List<float[]> xs, List<float[]> ts,
                                 List<float[]> ms) {
        Examples ex = p.examples(data, n, epoch, seed);
        for (int i = 0; i < ex.count(); i++) {
            xs.add(ex.input(i));
            ts.add(ex.target(i));
            ms.add(ex.mask(i));
        }
    }

    private static void drawPanel(List<float[]> xs, List<float[]> ts, Shape input, int[] chw, int shown,
                                  Map<String, float[]> methods, Path png) {
        int size = chw[0] * chw[1] * chw[2];
        float[] inRow = new float[shown * size], tRow = new float[shown * size];
        for (int i = 0; i < shown; i++) {
            System.arraycopy(Figures.atTargetSize(xs.get(i), input, chw), 0, inRow, i * size, size);
            System.arraycopy(ts.get(i), 0, tRow, i * size, size);
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

    private static void writeJson(List<Method> results, Pipeline p, int n, Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode o = json.createObjectNode();
        o.put("degradation", p.degradeSpec());
        o.put("test_images", n);
        ArrayNode methods = o.putArray("methods");
        for (Method m : results) {
            ObjectNode r = methods.addObject();
            r.put("name", m.name());
            put(r, "psnr", m.psnr());
            if (m.ssim() != null) {
                put(r, "ssim", m.ssim());
            }
            if (m.psnrHole() != null) {
                put(r, "psnr_hole", m.psnrHole());
            }
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

    private static void writeMarkdown(List<Method> results, Pipeline p, int n, Path file) throws IOException {
        boolean hole = results.get(0).psnrHole() != null;
        StringBuilder sb = new StringBuilder("Restoration of `" + p.degradeSpec() + "` on " + n + " test images "
                + "(PSNR in dB, data range 1; SSIM per Wang et al. 2004; mean ± standard error)\n\n| method | PSNR | SSIM |"
                + (hole ? " PSNR on the hole |" : "") + "\n|---|---|---|" + (hole ? "---|" : "") + "\n");
        for (Method m : results) {
            sb.append("| ").append(m.name()).append(" | ").append(m.psnr().format()).append(" | ")
                    .append(m.ssim() != null ? m.ssim().format(4) : "n/a (images under 11×11)").append(" |");
            if (hole) {
                sb.append(' ').append(m.psnrHole().format()).append(" |");
            }
            sb.append('\n');
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(file, ch -> ch.write(ByteBuffer.wrap(bytes)));
    }
}
