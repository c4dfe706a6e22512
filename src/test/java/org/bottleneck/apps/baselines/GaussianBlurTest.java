package org.bottleneck.apps.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.bottleneck.metrics.Psnr;
import org.bottleneck.testing.Tolerance;
import org.junit.jupiter.api.Test;

/** Gaussian blur: kernel, invariants, a hand-checked value, and the choice of σ. */
class GaussianBlurTest {
    @Test
    void theKernelHasRadiusCeilThreeSigmaAndSumsToOne() {
        assertEquals(7, GaussianBlur.kernel(1).length); // r = 3
        assertEquals(11, GaussianBlur.kernel(1.5).length); // r = ⌈4.5⌉ = 5
        assertEquals(5, GaussianBlur.kernel(0.5).length); // r = ⌈1.5⌉ = 2
        double[] g = GaussianBlur.kernel(1);
        assertEquals(1, Arrays.stream(g).sum(), 1e-15);
        // ratio of neighbouring taps is exp(−(2k+1)/(2σ²)): centre/next = e^{1/2}
        assertEquals(Math.exp(0.5), g[3] / g[4], 1e-14);
        assertEquals(g[1], g[5], 0, "symmetric");
        String m = assertThrows(IllegalArgumentException.class, () -> GaussianBlur.kernel(-1)).getMessage();
        assertTrue(m.contains("-1"), m);
    }

    @Test
    void aConstantStaysConstantAndSigmaZeroIsTheIdentity() {
        int c = 2, h = 6, w = 5; // smaller than the kernel of σ = 2 (r = 6): borders replicate
        float[] x = new float[c * h * w];
        Arrays.fill(x, 0, h * w, 0.375f);
        Arrays.fill(x, h * w, x.length, 0.75f);
        // normalized weights over a constant: Σ g·v = v up to a few float roundings of v
        Tolerance.assertClose("constant", x, GaussianBlur.blur(x, c, h, w, 2), 1e-6, 0);
        float[] r = Tolerance.uniform(1, c * h * w, 0, 1);
        Tolerance.assertExact("σ = 0", r, GaussianBlur.blur(r, c, h, w, 0));
    }

    @Test
    void awayFromTheBordersTheSumIsPreservedAndTheImpulseResponseIsTheOuterProduct() {
        // an impulse at least r = 3 from every border spreads into exactly the outer product g gᵀ,
        // and nothing is replicated, so the sum stays 1
        int h = 11, w = 12;
        float[] x = new float[h * w];
        x[5 * w + 6] = 1;
        float[] b = GaussianBlur.blur(x, 1, h, w, 1);
        double[] g = GaussianBlur.kernel(1);
        double[] expected = new double[h * w];
        for (int dy = -3; dy <= 3; dy++) {
            for (int dx = -3; dx <= 3; dx++) {
                expected[(5 + dy) * w + 6 + dx] = g[dy + 3] * g[dx + 3];
            }
        }
        Tolerance.assertClose("impulse response", expected, b, 1e-7, 0); // float rounding of ≤ 0.16
        double sum = 0;
        for (float v : b) {
            sum += v;
        }
        assertEquals(1, sum, 1e-6);
        // a random patch in the interior of a zero image: the sum is preserved as well
        float[] y = new float[h * w];
        float[] patch = Tolerance.uniform(4, 9, 0, 1);
        double before = 0;
        for (int k = 0; k < 9; k++) {
            y[(4 + k / 3) * w + 5 + k % 3] = patch[k];
            before += patch[k];
        }
        double after = 0;
        for (float v : GaussianBlur.blur(y, 1, h, w, 1)) {
            after += v;
        }
        assertEquals(before, after, 1e-5); // 132 float roundings of values ≤ 1
    }

    @Test
    void bestSigmaPicksTheSigmaThatUndoesTheCorruption() {
        // clean = blur(base, 1.25): blurring the "noisy" base with σ = 1.25 gives back the clean
        // images exactly (PSNR +∞), any other candidate does not
        int c = 1, h = 9, w = 10;
        List<float[]> noisy = new ArrayList<>(), clean = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            float[] base = Tolerance.uniform(100 + i, c * h * w, 0, 1);
            noisy.add(base);
            clean.add(GaussianBlur.blur(base, c, h, w, 1.25));
        }
        double[] candidates = {0, 0.5, 1, 1.25, 1.5, 2};
        assertEquals(1.25, GaussianBlur.bestSigma(noisy, clean, c, h, w, candidates));
        assertEquals(Double.POSITIVE_INFINITY, GaussianBlur.meanPsnr(noisy, clean, c, h, w, 1.25));
    }

    @Test
    void strongNoiseOnASmoothImageWantsABlurAndNoNoiseWantsNone() {
        int c = 3, h = 16, w = 16;
        SplittableRandom r = new SplittableRandom(8);
        List<float[]> noisy = new ArrayList<>(), clean = new ArrayList<>();
        for (int n = 0; n < 4; n++) {
            float[] x = new float[c * h * w], y = new float[c * h * w];
            double phase = r.nextDouble(6);
            for (int i = 0; i < x.length; i++) {
                int yy = (i / w) % h, xx = i % w;
                x[i] = (float) (0.5 + 0.3 * Math.sin(0.2 * xx + phase) * Math.cos(0.15 * yy));
                y[i] = (float) (x[i] + 0.2 * (r.nextDouble() - 0.5) * Math.sqrt(12)); // noise sd 0.2
            }
            clean.add(x);
            noisy.add(y);
        }
        double[] candidates = {0, 0.5, 1, 2};
        double best = GaussianBlur.bestSigma(noisy, clean, c, h, w, candidates);
        assertTrue(best >= 1, "σ " + best + " for noise sd 0.2 on a smooth image");
        double chosen = GaussianBlur.meanPsnr(noisy, clean, c, h, w, best);
        for (double s : candidates) {
            assertTrue(GaussianBlur.meanPsnr(noisy, clean, c, h, w, s) <= chosen, "σ " + s + " beats the choice " + best);
        }
        // the noisy images themselves score about 10·log10(1/0.04) ≈ 14 dB
        assertEquals(10 * Math.log10(25), Psnr.psnr(clean.get(0), noisy.get(0)), 1.0);
        // with no noise at all, any blur can only lose: σ = 0 (tie-free, +∞)
        assertEquals(0, GaussianBlur.bestSigma(clean, clean, c, h, w, new double[] {0.5, 0, 1}));
    }
}
