package org.bottleneck.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bottleneck.apps.Codec;
import org.bottleneck.backend.Backend;
import org.bottleneck.tensor.Shape;
import org.bottleneck.testing.TestBackends;
import org.junit.jupiter.api.Test;

/**
 * A spatial code (no Dense bottleneck: the encoder's feature map is the code): its shapes, its
 * JSON form, its gradients through the whole model by central differences, and the codec.
 */
class SpatialCodeTest {
    static final String JSON = """
            {"name": "spatial-small", "input": [1, 6, 4],
             "encoder": [{"type": "conv2d", "out": 3, "kernel": 3, "padding": 1, "activation": "tanh"},
                         {"type": "conv2d", "out": 2, "kernel": 3, "stride": 2, "padding": 1}],
             "latent": {"type": "spatial", "l1": 0.05},
             "decoder": [{"type": "conv_transpose2d", "out": 3, "kernel": 3, "stride": 2, "padding": 1,
                          "output_padding": 1, "activation": "tanh"},
                         {"type": "conv2d", "out": 2, "kernel": 3, "padding": 1}],
             "output": "mse"}""";

    /** Super-resolution's shape: the decoder's output plus the input upsampled 2× (nearest). */
    static final String RESIDUAL = """
            {"name": "residual-small", "input": [2, 3, 2],
             "encoder": [{"type": "conv2d", "out": 3, "kernel": 3, "padding": 1, "activation": "tanh"}],
             "latent": {"type": "spatial", "l1": 0.05},
             "decoder": [{"type": "conv_transpose2d", "out": 2, "kernel": 3, "stride": 2, "padding": 1,
                          "output_padding": 1}],
             "output": "residual_mse"}""";

    @Test
    void aResidualOutputAddsTheUpsampledInput() {
        Backend be = TestBackends.cpu();
        try (Model m = new Model(be, Architecture.fromJson(RESIDUAL), 2)) {
            m.prepare(1);
            float[] x = new float[12];
            for (int i = 0; i < x.length; i++) {
                x[i] = i / 10f;
            }
            be.upload(x, 0, m.input());
            m.reconstruct();
            float[] fresh = org.bottleneck.testing.Tensors.download(be, m.images());
            assertEquals(x[0], fresh[0]); // a new residual model is its base: the last layer starts at zero
            assertEquals(x[11], fresh[fresh.length - 1]);
            randomize(be, m, new SplittableRandom(8));
            m.reconstruct();
            float[] y = org.bottleneck.testing.Tensors.download(be, m.output()), img = org.bottleneck.testing.Tensors.download(be, m.images());
            for (int c = 0; c < 2; c++) {
                for (int r = 0; r < 6; r++) {
                    for (int col = 0; col < 4; col++) {
                        int o = (c * 6 + r) * 4 + col;
                        assertEquals(y[o] + x[(c * 3 + r / 2) * 2 + col / 2], img[o], 1e-6, "at " + o);
                    }
                }
            }
        }
        // colorization: the one luma channel is added to each of R, G, B
        try (Model m = new Model(be, TaskPresets.colorize("colorize", Shape.of(1, 4, 8), Shape.of(3, 4, 8)), 2)) {
            m.prepare(2);
            float[] x = new float[2 * 32];
            for (int i = 0; i < x.length; i++) {
                x[i] = (i % 7) / 7f;
            }
            be.upload(x, 0, m.input());
            randomize(be, m, new SplittableRandom(3));
            m.reconstruct();
            float[] y = org.bottleneck.testing.Tensors.download(be, m.output()), img = org.bottleneck.testing.Tensors.download(be, m.images());
            for (int o = 0; o < img.length; o++) {
                int b = o / 96, p = o % 32;
                assertEquals(y[o] + x[b * 32 + p], img[o], 1e-6, "at " + o);
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Architecture.fromJson(RESIDUAL.replace("\"out\": 2, \"kernel\": 3, \"stride\": 2", "\"out\": 1, \"kernel\": 3, \"stride\": 2"))
                        .outputShape());
        assertTrue(e.getMessage().contains("residual_mse") && e.getMessage().contains("[2, 3, 2]"), e.getMessage());
    }

    @Test
    void theCodeIsTheEncodersFeatureMap() {
        Architecture a = Architecture.fromJson(JSON);
        assertTrue(a.latent().spatial());
        assertEquals(Shape.of(2, 3, 2), a.latentShape());
        assertEquals(12, a.latentDim());
        assertEquals(Shape.of(2, 6, 4), a.outputShape()); // 2 output channels from 1: shapes may differ
        assertTrue(a.describe().contains("spatial code 2×3×2 l1=0.05"), a.describe());
        Architecture back = Architecture.fromJson(a.toJson());
        assertEquals(a.describe(), back.describe());
    }

    @Test
    void aSpatialHeadTakesNoSizeOrActivation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Architecture.fromJson(
                JSON.replace("\"type\": \"spatial\"", "\"type\": \"spatial\", \"size\": 4")));
        assertTrue(e.getMessage().contains("no size"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LatentHead.gaussian(0, 1.0));
        assertTrue(e.getMessage().contains("spatial"), e.getMessage());
        assertEquals(LatentHead.spatial(0.1), LatentHead.spatial(0.1).withSize(7)); // no size to change
    }

    /**
     * dL/dθ of the mean loss (MSE + L1 on the feature map) against central differences of the
     * float32 forward pass. Step 1e-2 and a tolerance of 3% + 2e-3 absolute: float32 losses of
     * order 1 carry ~1e-7 relative rounding, so the difference quotient is good to ~1e-5, and the
     * second-order error of a step 1e-2 through tanh is under 1%. A parameter whose ±step flips
     * the sign of a code value crosses the L1 kink, where the difference quotient is not the
     * derivative: those are skipped, and most parameters must remain.
     */
    @Test
    void gradientsFlowThroughTheFeatureMap() {
        checkGradients(JSON);
        checkGradients(RESIDUAL);
        checkGradients(RESIDUAL.replace("residual_mse", "residual_bicubic_mse"));
    }

    /**
     * The super-resolution preset's output: a new model is exactly the bicubic baseline (the
     * apps' Upscale.bicubic, PIL's resampling in data/Resize: agreement to float rounding of its
     * float row pass, 1e-6), and a trained one adds its decoder output to that base.
     */
    @Test
    void aBicubicResidualModelStartsAsTheBicubicBaselineAndAddsItsOutputToIt() {
        Backend be = TestBackends.cpu();
        Shape in = Shape.of(3, 5, 7);
        try (Model m = new Model(be, TaskPresets.superres("superres", in, Shape.of(3, 10, 14), true), 2)) {
            assertEquals(OutputKind.RESIDUAL_BICUBIC_MSE, m.architecture().output());
            m.prepare(2);
            float[] x = new float[2 * 105];
            SplittableRandom r = new SplittableRandom(5);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextDouble();
            }
            be.upload(x, 0, m.input());
            m.reconstruct();
            float[] fresh = org.bottleneck.testing.Tensors.download(be, m.images());
            float[] base = new float[fresh.length];
            for (int b = 0; b < 2; b++) {
                float[] up = org.bottleneck.apps.baselines.Upscale.bicubic(java.util.Arrays.copyOfRange(x, b * 105, (b + 1) * 105),
                        3, 5, 7, 10, 14);
                System.arraycopy(up, 0, base, b * up.length, up.length);
            }
            for (int o = 0; o < base.length; o++) {
                assertEquals(base[o], fresh[o], 1e-6, "a new model is the bicubic baseline, at " + o);
            }
            randomize(be, m, new SplittableRandom(9));
            m.reconstruct();
            float[] y = org.bottleneck.testing.Tensors.download(be, m.output()), img = org.bottleneck.testing.Tensors.download(be, m.images());
            for (int o = 0; o < img.length; o++) {
                assertEquals(y[o] + base[o], img[o], 1e-5, "decoder output + bicubic base, at " + o);
            }
        }
    }

    /**
     * The super-resolution preset's correction has no biases and sees a centred input, so with
     * any weights (random here, not trained) it adds exactly nothing to a flat image, whatever
     * its level, and scales with the image's detail: correction(m + a·d) = a·correction(m' + d)
     * for a &gt; 0 and any levels m, m'. Tolerance: float rounding of sums of a few hundred
     * products through four layers, 1e-5 relative to the largest correction.
     */
    @Test
    void theSuperresCorrectionIsZeroOnAFlatImageAndScalesWithItsDetail() {
        Backend be = TestBackends.cpu();
        Shape in = Shape.of(3, 6, 5);
        int n = 90;
        try (Model m = new Model(be, TaskPresets.superres("superres", in, Shape.of(3, 12, 10), true), 4)) {
            m.prepare(3);
            randomize(be, m, new SplittableRandom(21));
            SplittableRandom r = new SplittableRandom(22);
            float[] detail = new float[n];
            for (int i = 0; i < n; i++) {
                detail[i] = (float) (r.nextDouble() - 0.5);
            }
            float[] x = new float[3 * n]; // sample 0 flat at 0.61; 1: 0.2 + detail; 2: 0.7 + 2·detail
            for (int i = 0; i < n; i++) {
                x[i] = 0.61f;
                x[n + i] = 0.2f + detail[i];
                x[2 * n + i] = 0.7f + 2 * detail[i];
            }
            be.upload(x, 0, m.input());
            m.reconstruct();
            float[] y = org.bottleneck.testing.Tensors.download(be, m.output()); // the correction, before the base
            int per = y.length / 3;
            double largest = 0;
            for (int o = 0; o < per; o++) {
                assertEquals(0f, y[o], 0f, "a flat image gets no correction, at " + o);
                largest = Math.max(largest, Math.abs(y[per + o]));
            }
            assertTrue(largest > 1e-3, "random weights give a correction to a detailed image: " + largest);
            for (int o = 0; o < per; o++) {
                assertEquals(2 * y[per + o], y[2 * per + o], 1e-5 * largest, "twice the detail, twice the correction, at " + o);
            }
        }
    }

    private static void checkGradients(String json) {
        Backend be = TestBackends.cpu();
        try (Model m = new Model(be, Architecture.fromJson(json), 11)) {
            int b = 3;
            m.prepare(b);
            SplittableRandom r = new SplittableRandom(4);
            randomize(be, m, r); // a residual model's last layer starts at zero, which would hide the others' gradients
            float[] x = new float[b * m.inputSize()], t = new float[b * m.outputSize()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextDouble();
            }
            for (int i = 0; i < t.length; i++) {
                t[i] = (float) r.nextDouble();
            }
            be.upload(x, 0, m.input());
            be.upload(t, 0, m.targetBuffer());
            m.trainStep(0, m.targetBuffer());
            long n = m.parameters().grads().length(); // the flat buffer, alignment gaps included (their gradient is 0)
            float[] grad = new float[(int) n], theta = new float[(int) n];
            be.download(m.parameters().grads(), grad, 0);
            be.download(m.parameters().values(), theta, 0);
            double norm = 0;
            for (float g : grad) {
                norm += g * g;
            }
            assertTrue(norm > 1e-6, "gradients are zero: nothing was checked");
            double h = 1e-2;
            int checked = 0, skipped = 0;
            for (int i = 0; i < n; i++) {
                float keep = theta[i];
                theta[i] = (float) (keep + h);
                double up = loss(m, be, theta, b);
                float[] codeUp = org.bottleneck.testing.Tensors.download(be, m.code());
                theta[i] = (float) (keep - h);
                double down = loss(m, be, theta, b);
                float[] codeDown = org.bottleneck.testing.Tensors.download(be, m.code());
                theta[i] = keep;
                if (signsDiffer(codeUp, codeDown)) {
                    skipped++;
                    continue;
                }
                double numeric = (up - down) / (2 * h);
                checked += numeric != 0 || grad[i] != 0 ? 1 : 0; // alignment gaps are not parameters
                assertEquals(numeric, grad[i], 0.03 * Math.abs(numeric) + 2e-3, "parameter " + i);
            }
            assertTrue(skipped < checked / 4 && checked > 0.8 * m.parameters().count(), checked + " checked, " + skipped + " skipped at an L1 kink");
        }
    }

    /** Seeded parameters in [−0.5, 0.5) (alignment gaps too: nothing reads them). */
    private static void randomize(Backend be, Model m, SplittableRandom r) {
        float[] p = new float[m.parameters().values().length()];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (r.nextDouble() - 0.5);
        }
        be.upload(p, 0, m.parameters().values());
    }

    private static boolean signsDiffer(float[] a, float[] b) {
        for (int i = 0; i < a.length; i++) {
            if (Math.signum(a[i]) != Math.signum(b[i])) {
                return true;
            }
        }
        return false;
    }

    private static double loss(Model m, Backend be, float[] theta, int b) {
        be.upload(theta, 0, m.parameters().values());
        m.evaluate(false, 0, m.targetBuffer());
        double[] total = new double[b];
        m.readLosses(b, total, null, null, null);
        double s = 0;
        for (double v : total) {
            s += v;
        }
        return s / b;
    }

    @Test
    void theCodecEncodesTheFeatureMapAndDecodesItBack() {
        Backend be = TestBackends.cpu();
        try (Model m = new Model(be, Architecture.fromJson(JSON), 3)) {
            Codec codec = new Codec(m);
            float[] x = new float[5 * m.inputSize()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (i * 13 % 17) / 16f;
            }
            float[] codes = codec.encode(x, 5);
            assertEquals(5 * 12, codes.length);
            // decode(encode(x)) is the reconstruction: the same arithmetic in the same order
            assertArrayEquals(codec.reconstruct(x, 5), codec.decode(codes, 5));
        }
    }
}
