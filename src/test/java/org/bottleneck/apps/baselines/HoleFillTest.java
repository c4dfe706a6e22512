package org.bottleneck.apps.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.bottleneck.testing.Tolerance;
import org.junit.jupiter.api.Test;

/** Hole filling: mean per channel, and harmonic fills that reproduce discrete harmonic images. */
class HoleFillTest {
    /** (H, W) mask with the rectangle [y0, y0 + hh) × [x0, x0 + ww) set to 1. */
    private static float[] box(int h, int w, int y0, int x0, int hh, int ww) {
        float[] m = new float[h * w];
        for (int y = y0; y < y0 + hh; y++) {
            Arrays.fill(m, y * w + x0, y * w + x0 + ww, 1f);
        }
        return m;
    }

    /** x with its hole overwritten by garbage, so a fill cannot pass by leaving it in place. */
    private static float[] punch(float[] x, float[] mask, int channels) {
        float[] y = x.clone();
        int plane = y.length / channels;
        for (int i = 0; i < y.length; i++) {
            if (mask[mask.length == y.length ? i : i % plane] == 1) {
                y[i] = 7;
            }
        }
        return y;
    }

    @Test
    void meanFillsEachChannelWithItsKnownMean() {
        int c = 2, h = 4, w = 5;
        float[] x = Tolerance.smallInts(31, c * h * w, 0, 8);
        float[] mask = box(h, w, 1, 1, 2, 3);
        float[] filled = HoleFill.mean(punch(x, mask, c), mask, c, h, w);
        for (int ch = 0; ch < c; ch++) {
            double s = 0;
            int n = 0;
            for (int i = 0; i < h * w; i++) {
                if (mask[i] == 0) {
                    s += x[ch * h * w + i];
                    n++;
                }
            }
            assertEquals(14, n);
            for (int i = 0; i < h * w; i++) {
                float expected = mask[i] == 1 ? (float) (s / n) : x[ch * h * w + i];
                assertEquals(expected, filled[ch * h * w + i], 0, "(" + ch + ", " + i / w + ", " + i % w + ")");
            }
        }
        // the (H, W) mask is the (C, H, W) mask repeated over the channels
        float[] perChannel = new float[c * h * w];
        System.arraycopy(mask, 0, perChannel, 0, h * w);
        System.arraycopy(mask, 0, perChannel, h * w, h * w);
        Tolerance.assertExact("shared mask", filled, HoleFill.mean(punch(x, mask, c), perChannel, c, h, w));
    }

    @Test
    void harmonicReconstructsALinearRampExactly() {
        // u = 0.1 + 0.03 y + 0.02 x satisfies the discrete Laplace equation: the fill must give it
        // back. SOR stops at a sweep change < 1e-6; the error left is of the order of that change
        // over (1 − ρ_SOR), a few 1e-6 at most for this 8 × 10 hole (measured: 7e-7, float
        // rounding included), so 1e-4 has a wide margin yet catches any wrong stencil or boundary.
        int c = 3, h = 20, w = 24;
        float[] x = new float[c * h * w];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    x[(ch * h + y) * w + xx] = (float) (0.1 + 0.1 * ch + 0.03 * y + (ch == 1 ? -0.02 : 0.02) * xx);
                }
            }
        }
        float[] mask = box(h, w, 5, 7, 8, 10);
        float[] filled = HoleFill.harmonic(punch(x, mask, c), mask, c, h, w);
        Tolerance.assertClose("ramp", x, filled, 1e-4, 0);
        // the mean fill is far off there: the check is not vacuous
        float[] mean = HoleFill.mean(punch(x, mask, c), mask, c, h, w);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            worst = Math.max(worst, Math.abs(mean[i] - x[i]));
        }
        assertTrue(worst > 0.05, "mean fill off by only " + worst);
    }

    @Test
    void harmonicReconstructsTheSaddleXSquaredMinusYSquared() {
        // x² − y² is discrete-harmonic too: (x+1)² + (x−1)² − 2x² = 2 cancels −2 from y
        int h = 16, w = 15;
        float[] x = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int xx = 0; xx < w; xx++) {
                x[y * w + xx] = (float) (0.5 + ((xx - 7) * (xx - 7) - (y - 8) * (y - 8)) / 200.0);
            }
        }
        float[] mask = box(h, w, 2, 3, 11, 9);
        HoleFill.Solution s = HoleFill.solveHarmonic(punch(x, mask, 1), mask, 1, h, w, 1e-7, 10_000);
        assertTrue(s.converged() && s.iterations() > 1, s.toString());
        Tolerance.assertClose("saddle", x, s.image(), 1e-5, 0);
    }

    @Test
    void atTheImageEdgeTheFluxIsZero() {
        // the hole spans all rows (touching the top and bottom edges); u = 0.05 x does not vary
        // along y, so zero flux there is consistent and the ramp comes back
        int h = 7, w = 12;
        float[] x = new float[h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = 0.05f * (i % w);
        }
        float[] mask = box(h, w, 0, 3, h, 5);
        Tolerance.assertClose("ramp through the edges", x, HoleFill.harmonic(punch(x, mask, 1), mask, 1, h, w), 1e-4, 0);
    }

    @Test
    void harmonicStaysWithinTheKnownRangeOnRandomData() {
        int h = 12, w = 13;
        float[] x = Tolerance.uniform(77, h * w, 0.2, 0.7);
        float[] mask = box(h, w, 3, 2, 6, 8);
        float[] f = HoleFill.harmonic(punch(x, mask, 1), mask, 1, h, w);
        for (int i = 0; i < f.length; i++) {
            if (mask[i] == 1) {
                assertTrue(f[i] >= 0.2 && f[i] <= 0.7, "maximum principle at " + i + ": " + f[i]);
            } else {
                assertEquals(x[i], f[i], 0, "known pixel " + i + " changed");
            }
        }
        // a single-sweep cap cannot converge: reported, and harmonic() would refuse
        HoleFill.Solution s = HoleFill.solveHarmonic(x, mask, 1, h, w, 1e-6, 1);
        assertTrue(!s.converged() && s.iterations() == 1 && s.maxChange() >= 1e-6, s.toString());
    }

    @Test
    void badMasksAreRefusedWithTheirValues() {
        float[] x = new float[2 * 3 * 3];
        String m = assertThrows(IllegalArgumentException.class,
                () -> HoleFill.mean(x, new float[5], 2, 3, 3)).getMessage();
        assertTrue(m.contains("5") && m.contains("9") && m.contains("18"), m);
        float[] bad = new float[9];
        bad[4] = 2;
        m = assertThrows(IllegalArgumentException.class, () -> HoleFill.harmonic(x, bad, 2, 3, 3)).getMessage();
        assertTrue(m.contains("mask[4] = 2.0"), m);
        float[] all = new float[9];
        Arrays.fill(all, 1);
        m = assertThrows(IllegalArgumentException.class, () -> HoleFill.mean(x, all, 2, 3, 3)).getMessage();
        assertTrue(m.contains("channel 0") && m.contains("no known pixel"), m);
    }
}
